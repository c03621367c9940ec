import { validate } from '@readme/openapi-parser';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';

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
