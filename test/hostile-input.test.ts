import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jobInputKey } from '../src/storage/job-blobs.ts';
import { freshTenant, R2_INPUT_TEXTS } from './support/api.ts';

const CANARIES = ['4111 1111 1111 1111', '4111111111111111', '078-05-1121', '536-22-8726', 'canary.person@example.org'];

describe('hostile input', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it('keeps canary PII out of every log line, error body, stats and audit entry, also when jobs fail', async () => {
    const client = freshTenant();
    const bodies: string[] = [];
    const texts = [`Pay with ${CANARIES[0]} now`, `SSN ${CANARIES[2]}`, `mail ${CANARIES[4]}`, CANARIES[1] ?? ''];
    const collect = async (res: Response) => bodies.push(await res.text());

    // Refused requests that carry the canaries.
    await collect(await client.request('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts, language: CANARIES[3] } }));
    await collect(await client.request('POST', '/api/v1/jobs', { type: CANARIES[4], data: { texts } }));
    await collect(await client.request('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: [...texts, 7] }, [CANARIES[4] ?? 'x']: 1 }));
    await collect(await client.request('POST', '/api/v1/jobs', `{"type": "${CANARIES[0]}", `));
    // A job that succeeds with masking, and one that fails after its input vanished.
    const ok = await client.createSentiment(texts);
    await collect(await client.request('POST', `/api/v1/jobs/${ok}/wait`, { timeout: 30_000 }));
    const doomed = await client.createSentiment([...texts, ...R2_INPUT_TEXTS], {}, 'low');
    await env.BLOBS.delete(jobInputKey(client.tenant, doomed));
    await collect(await client.request('POST', `/api/v1/jobs/${doomed}/wait`, { timeout: 30_000 }));
    await collect(await client.request('GET', '/api/v1/jobs/stats/summary'));
    await collect(await client.request('GET', '/api/v1/audit?limit=500'));
    await collect(await client.request('GET', `/api/v1/jobs/${ok}/history`));
    await collect(await client.request('GET', '/api/v1/jobs'));

    expect(bodies.join('\n')).toContain('[CREDIT_CARD]');
    for (const canary of CANARIES) {
      for (const body of bodies) expect(body, canary).not.toContain(canary);
      for (const line of lines) expect(line, canary).not.toContain(canary);
    }
    expect(lines.length).toBeGreaterThan(5);
  });

  it('answers deeply nested JSON, invalid UTF-8 and junk with 4xx envelopes, never a 500', async () => {
    const client = freshTenant();
    const nested = `{"type":"sentiment_analysis_batch","data":{"texts":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    for (const body of [nested, invalidUtf8, '\u0000', '{"__proto__": {"admin": true}, "type": "sentiment_analysis_batch", "data": {"texts": ["x"]}}']) {
      const res = await client.request('POST', '/api/v1/jobs', body as string);
      expect(res.status, typeof body === 'string' ? body.slice(0, 40) : 'bytes').toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
  });

  it('accepts the largest batch the body limit allows: 10,000 texts of 1,500 characters', async () => {
    const client = freshTenant();
    const texts = Array.from({ length: 10_000 }, (_, i) => `${i} `.padEnd(1500, 'lovely weather today. '));
    const res = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts, enablePIIMasking: false } });
    expect(res.status).toBe(201);
    await client.json('DELETE', `/api/v1/jobs/${String(res.body.data.jobId)}`);
  });
});
