import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { freshTenant, type Envelope } from './support/api.ts';

async function call(path: string, headers: Record<string, string>, bindings: Partial<Env> = {}): Promise<{ status: number; body: Envelope }> {
  const res = await worker.fetch(new Request(`http://localhost${path}`, { headers }), { ...env, ...bindings }, createExecutionContext());
  return { status: res.status, body: (await res.json()) as Envelope };
}

describe('authentication', () => {
  it('refuses a request without a key with a 401 envelope', async () => {
    const { status, body } = await call('/api/v1/jobs', {});
    expect(status).toBe(401);
    expect(body).toMatchObject({ success: false, details: { code: 'UNAUTHORIZED' } });
    expect(typeof body.timestamp).toBe('string');
  });

  it('refuses a wrong key, a near miss and a non-bearer scheme', async () => {
    const { key } = freshTenant();
    for (const header of [`Bearer nope-nope-nope`, `Bearer ${key}x`, `Bearer ${key.slice(0, -1)}`, `Basic ${key}`, key]) {
      const { status, body } = await call('/api/v1/jobs', { authorization: header });
      expect(status, header).toBe(401);
      expect(body.details?.code).toBe('UNAUTHORIZED');
    }
  });

  it('answers missing, empty, malformed, wrong-length and revoked keys with the same 401 body', async () => {
    const { key } = freshTenant();
    const revoked = { API_KEYS: 't40:test-key-t40-0123456789' };
    const answers = await Promise.all([
      call('/api/v1/jobs', {}),
      call('/api/v1/jobs', { authorization: 'Bearer ' }),
      call('/api/v1/jobs', { authorization: 'Bearer a b c' }),
      call('/api/v1/jobs', { authorization: `Bearer ${key}${'x'.repeat(500)}` }),
      call('/api/v1/jobs', { authorization: `Bearer ${key}` }, revoked),
    ]);
    const shapes = answers.map(({ status, body }) => ({ status, error: body.error, details: body.details, keys: Object.keys(body).sort() }));
    for (const shape of shapes) expect(shape).toEqual(shapes[0]);
    expect(shapes[0]).toMatchObject({ status: 401, details: { code: 'UNAUTHORIZED' } });
  });

  it('accepts a configured key', async () => {
    const { key } = freshTenant();
    const { status } = await call('/api/v1/jobs', { authorization: `Bearer ${key}` });
    expect(status).toBe(200);
  });

  it('fails closed with 503 when no keys are configured, even for a formerly valid key', async () => {
    const { key } = freshTenant();
    for (const API_KEYS of ['', '  ', 'malformed-without-colon']) {
      const { status, body } = await call('/api/v1/jobs', { authorization: `Bearer ${key}` }, { API_KEYS });
      expect(status).toBe(503);
      expect(body.details?.code).toBe('AUTH_NOT_CONFIGURED');
    }
  });

  it('does not accept the local development key unless it is configured', async () => {
    const { status } = await call('/api/v1/jobs', { authorization: 'Bearer local-dev-key' });
    expect(status).toBe(401);
  });

  it('serves the OpenAPI document without a key', async () => {
    const res = await worker.fetch(new Request('http://localhost/api/v1/openapi.json'), env, createExecutionContext());
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/jobs', '/api/v1/jobs/{id}', '/api/v1/jobs/{id}/wait', '/api/v1/jobs/stats/summary']),
    );
  });
});

describe('tenant isolation', () => {
  it("makes another tenant's job indistinguishable from a missing one on every route", async () => {
    const owner = freshTenant();
    const other = freshTenant();
    const id = await owner.createSentiment(['Great service']);
    await owner.json('POST', `/api/v1/jobs/${id}/wait`, { timeout: 10_000 });

    const missing = crypto.randomUUID();
    for (const [method, path, body] of [
      ['GET', `/api/v1/jobs/${id}`, undefined],
      ['DELETE', `/api/v1/jobs/${id}`, undefined],
      ['POST', `/api/v1/jobs/${id}/wait`, { timeout: 10 }],
      ['GET', `/api/v1/jobs/${id}/result`, undefined],
    ] as const) {
      const foreign = await other.json(method, path, body);
      const absent = await other.json(method, path.replace(id, missing), body);
      expect(foreign.status, `${method} ${path}`).toBe(404);
      expect(foreign.body.details).toEqual({ code: 'JOB_NOT_FOUND', jobId: id });
      expect(absent.status).toBe(404);
      expect(absent.body.error).toBe(foreign.body.error);
    }

    const list = await other.json<{ jobs: unknown[]; total: number }>('GET', '/api/v1/jobs');
    expect(list.body.data.total).toBe(0);
    const stats = await other.json<{ total: number }>('GET', '/api/v1/jobs/stats/summary');
    expect(stats.body.data.total).toBe(0);
    const mine = await owner.json<{ total: number }>('GET', '/api/v1/jobs/stats/summary');
    expect(mine.body.data.total).toBe(1);
  });
});
