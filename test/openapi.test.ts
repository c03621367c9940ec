import { validate } from '@readme/openapi-parser';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';
import { ERROR_STATUS, type ErrorCode } from '../src/api/errors.ts';
import { freshTenant } from './support/api.ts';

const DOC_PATH = '/api/v1/openapi.json';

/** `{path}` in the document, `:path` or a `*` wildcard in Hono: the same parameter in the same place. */
const shape = (path: string) => path.replace(/\{[^}]+\}|:[^/]+|\*/g, '{}');

describe('OpenAPI document', () => {
  it('documents every route the app serves, with its method', async () => {
    const app = createApp();
    const res = await app.request(DOC_PATH, {}, env);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).filter((path) => /[:*]/.test(path)), 'Hono syntax in a documented path').toEqual([]);

    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${shape(path)}`)),
    );
    const served = new Set(
      app.routes
        // `ALL` is middleware (app.use); the document does not describe itself, nor docs pages and static files.
        .filter(({ method, path }) => method !== 'ALL' && path !== DOC_PATH && !/^\/(docs|static)(\/|$)/.test(path))
        .map(({ method, path }) => `${method} ${shape(path)}`),
    );
    expect(served).toContain('PUT /api/v1/files/{}');
    expect(served).toContain('GET /api/v1/datasets/{}/records');
    expect([...served].filter((route) => !documented.has(route))).toEqual([]);
  });
});

type OpenApiDocument = Exclude<Parameters<typeof validate>[0], string> & { openapi: string; paths: Record<string, Record<string, unknown>> };

async function served(): Promise<OpenApiDocument> {
  const res = await createApp().request(DOC_PATH, {}, env);
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
}

describe('OpenAPI document, by a standard validator (@readme/openapi-parser)', () => {
  // ajv compiles the OpenAPI meta-schema on first use: seconds, not milliseconds.
  it('is valid OpenAPI 3.1', { timeout: 60_000 }, async () => {
    const doc = await served();
    const outcome = await validate(doc);
    expect(outcome.valid ? [] : outcome.errors).toEqual([]);
    expect(outcome.specification).toBe('OpenAPI');
    expect(doc.openapi).toBe('3.1.0');
  });

  it('is judged by a validator that does reject a broken document', { timeout: 60_000 }, async () => {
    const doc = await served();
    const [first] = Object.keys(doc.paths);
    if (!first) throw new Error('no paths');
    const broken = { ...doc, paths: { ...doc.paths, [first]: { get: { responses: 'none' } } } };
    expect((await validate(broken as OpenApiDocument)).valid).toBe(false);
  });
});

interface Operation {
  tags?: string[];
  responses: Record<string, { description: string; content?: { 'application/json'?: { schema: { allOf?: { properties?: { details?: { properties?: { code?: { enum?: string[] } } } } }[] } } } }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; tags: { name: string }[]; components: { schemas: Record<string, { enum?: string[] }> } };

/** The codes an operation documents for a status. */
function documentedCodes(operation: Operation, status: number): string[] {
  return operation.responses[String(status)]?.content?.['application/json']?.schema.allOf?.[1]?.properties?.details?.properties?.code?.enum ?? [];
}

/** The documented operation a request lands on: `{param}` segments match any one segment, except file paths. */
function operationFor(doc: Document, method: string, path: string): Operation | undefined {
  const entry = Object.entries(doc.paths).find(([template]) => {
    const pattern = template.replace(/\{path\}$/, '.+').replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path) && doc.paths[template]?.[method.toLowerCase()];
  });
  return entry?.[1][method.toLowerCase()];
}

describe('OpenAPI document: tags and error codes', () => {
  it('tags every operation with one of its declared groups, none "default"', async () => {
    const doc = (await served()) as unknown as Document;
    const groups = new Set(doc.tags.map((t) => t.name));
    expect(groups.size).toBeGreaterThan(5);
    const untagged = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => !op.tags?.length || op.tags.some((t) => !groups.has(t) || t === 'default'))
        .map(([method]) => `${method} ${path}`),
    );
    expect(untagged).toEqual([]);
  });

  it('names every code of the API, each error response listing its codes under the right status', async () => {
    const doc = (await served()) as unknown as Document;
    expect(doc.components.schemas.ErrorCode?.enum?.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const status of Object.keys(op.responses).map(Number).filter((s) => s >= 400)) {
          const codes = documentedCodes(op, status);
          expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const code of codes) expect(ERROR_STATUS[code as ErrorCode], `${method} ${path} ${code}`).toBe(status);
          expect(op.responses[String(status)]?.description).toBe(codes.join(', '));
        }
        // Every authenticated operation says a bad key is 401 UNAUTHORIZED.
        expect(documentedCodes(op, 401)).toContain('UNAUTHORIZED');
      }
    }
  });

  it('documents the code each operation really answers with, under its status', async () => {
    const doc = (await served()) as unknown as Document;
    const client = freshTenant();
    const id = crypto.randomUUID();
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/v1/jobs', { type: 'sentiment_analysis', data: {} }, 'INVALID_JOB_TYPE'],
      ['POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: [] } }, 'INVALID_JOB_DATA'],
      ['POST', '/api/v1/jobs', '{"type":', 'INVALID_JSON'],
      ['GET', '/api/v1/jobs?limit=0', undefined, 'INVALID_REQUEST'],
      ['GET', `/api/v1/jobs/${id}`, undefined, 'JOB_NOT_FOUND'],
      ['DELETE', `/api/v1/jobs/${id}`, undefined, 'JOB_NOT_FOUND'],
      ['POST', `/api/v1/jobs/${id}/wait`, { timeout: 0 }, 'INVALID_REQUEST'],
      ['GET', `/api/v1/jobs/${id}/result`, undefined, 'JOB_NOT_FOUND'],
      ['GET', `/api/v1/jobs/${id}/download`, undefined, 'JOB_NOT_FOUND'],
      ['GET', `/api/v1/jobs/${id}/history`, undefined, 'JOB_NOT_FOUND'],
      ['POST', `/api/v1/jobs/${id}/retry`, undefined, 'JOB_NOT_FOUND'],
      ['POST', '/api/v1/jobs/bulk', { jobs: [] }, 'INVALID_REQUEST'],
      ['GET', `/api/v1/schedules/${id}`, undefined, 'NOT_FOUND'],
      ['POST', '/api/v1/schedules', { cron: 'every day' }, 'INVALID_REQUEST'],
      ['GET', '/api/v1/audit?since=yesterday', undefined, 'INVALID_REQUEST'],
      ['GET', '/api/v1/files/nothing/here.txt', undefined, 'FILE_NOT_FOUND'],
      ['DELETE', '/api/v1/files/nothing/here.txt', undefined, 'FILE_NOT_FOUND'],
      ['GET', '/api/v1/files/a%20b.txt', undefined, 'INVALID_PATH'],
      ['PUT', '/api/v1/files/x.txt?uploadId=nope&partNumber=1', 'part', 'UPLOAD_NOT_FOUND'],
      ['GET', `/api/v1/datasets/${id}`, undefined, 'DATASET_NOT_FOUND'],
      ['DELETE', `/api/v1/datasets/${id}`, undefined, 'DATASET_NOT_FOUND'],
    ];
    for (const [method, path, body, expected] of cases) {
      const res = await client.request(method, path, body);
      const answer = (await res.json()) as { details: { code: string } };
      expect(answer.details.code, `${method} ${path}`).toBe(expected);
      const operation = operationFor(doc, method, path.split('?')[0] ?? path);
      expect(operation, `${method} ${path} is documented`).toBeDefined();
      if (operation) expect(documentedCodes(operation, res.status), `${method} ${path} documents ${expected}`).toContain(expected);
    }
  });
});
