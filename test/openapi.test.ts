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
