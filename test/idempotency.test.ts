import { describe, expect, it } from 'vitest';
import { freshTenant } from './support/api.ts';

const body = { type: 'sentiment_analysis_batch', data: { texts: ['Idempotent and proud'] }, priority: 'high' };

describe('Idempotency-Key on POST /api/v1/jobs', () => {
  it('replays the original job for the same key and body: 200, Idempotent-Replayed, no second job', async () => {
    const client = freshTenant();
    const first = await client.request('POST', '/api/v1/jobs', body, { 'idempotency-key': 'order-42' });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { data: { jobId: string } };

    // Same request, formatted differently and with the default spelled out: still the same request.
    const again = await client.request(
      'POST',
      '/api/v1/jobs',
      JSON.stringify({ priority: 'high', data: { enablePIIMasking: true, texts: ['Idempotent and proud'] }, type: 'sentiment_analysis_batch' }, null, 2),
      { 'idempotency-key': 'order-42' },
    );
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { data: { jobId: string } }).data.jobId).toBe(created.data.jobId);
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(1);
  });

  it('answers 409 IDEMPOTENCY_CONFLICT for the same key with a different body', async () => {
    const client = freshTenant();
    await client.request('POST', '/api/v1/jobs', body, { 'idempotency-key': 'k-1' });
    const res = await client.request('POST', '/api/v1/jobs', { ...body, priority: 'low' }, { 'idempotency-key': 'k-1' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ success: false, details: { code: 'IDEMPOTENCY_CONFLICT', jobId: expect.any(String) } });
  });

  it('creates exactly one job for concurrent duplicates', async () => {
    const client = freshTenant();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => client.request('POST', '/api/v1/jobs', body, { 'idempotency-key': 'burst' })),
    );
    const ids = new Set<string>();
    for (const res of answers) ids.add(((await res.json()) as { data: { jobId: string } }).data.jobId);
    expect(ids.size).toBe(1);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(1);
  });

  it('keeps keys per tenant, and refuses a malformed key', async () => {
    const a = freshTenant();
    const b = freshTenant();
    const ra = await a.request('POST', '/api/v1/jobs', body, { 'idempotency-key': 'shared' });
    const rb = await b.request('POST', '/api/v1/jobs', body, { 'idempotency-key': 'shared' });
    expect([ra.status, rb.status]).toEqual([201, 201]);
    const bad = await a.request('POST', '/api/v1/jobs', body, { 'idempotency-key': 'has space' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ details: { code: 'INVALID_REQUEST', errors: [{ field: 'Idempotency-Key' }] } });
  });
});
