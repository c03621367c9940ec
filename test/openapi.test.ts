import { validate } from '@readme/openapi-parser';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.ts';

type OpenApiDocument = Exclude<Parameters<typeof validate>[0], string> & { openapi: string; paths: Record<string, Record<string, unknown>> };

async function served(): Promise<OpenApiDocument> {
  const res = await exports.default.fetch(new Request('http://localhost/api/v1/openapi.json'));
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
}

/** `/jobs/:id`, `/jobs/{id}` and `/files/*` all become `/jobs/{}` and `/files/{}`. */
function shape(path: string): string {
  return path.replace(/\{[^}]+\}|:[^/]+|\*/g, '{}');
}

describe('the OpenAPI document', () => {
  // ajv compiles the OpenAPI meta-schema on first use: seconds, not milliseconds.
  it('is valid OpenAPI 3.1 by a standard validator', { timeout: 60_000 }, async () => {
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

  it('documents every route the app registers, method by method', async () => {
    const doc = await served();
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${shape(path)}`)),
    );
    const registered = createApp()
      .routes // middleware is registered as ALL; the document does not describe itself
      .filter((r) => r.method !== 'ALL' && r.path !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${shape(r.path)}`);
    expect(registered.length).toBeGreaterThan(10);
    expect([...new Set(registered)].filter((route) => !documented.has(route))).toEqual([]);
  });
});
