import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { jobInputKey } from '../../src/storage/job-blobs.ts';
import { deliver, freshTenant, R2_INPUT_TEXTS } from '../support/api.ts';

interface JobData {
  status: string;
  attempts: number;
  progress: number;
  nextAttemptAt?: string;
  error?: string;
  errorDetails?: { code: string; stage: string; attempts: number; retryable: boolean };
  processingStats: { processedItems: number; failedItems: number };
  result?: { totalProcessed: number; results: unknown[] };
}

const texts = (n: number) => Array.from({ length: n }, (_, i) => `Review ${i}: the food was wonderful.`);

describe('at-least-once delivery', () => {
  it('runs a job in bounded slices, each continuing from the last checkpoint', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(1100));
    const first = await client.pendingMessage(id);
    await deliver(first);
    let job = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(job.body.data).toMatchObject({ status: 'running', progress: 45.5, processingStats: { processedItems: 500 } });

    const second = await client.pendingMessage(id);
    expect(second.token).not.toBe(first.token);
    expect(second.attempt).toBe(1);
    await deliver(second);
    await deliver(await client.pendingMessage(id));
    job = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(job.body.data).toMatchObject({ status: 'completed', progress: 100, attempts: 1, result: { totalProcessed: 1100 } });
  });

  it('changes nothing on a duplicate or stale message, and acks it', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(600));
    const first = await client.pendingMessage(id);
    const both = await deliver(first, first);
    expect(both.explicitAcks).toHaveLength(2);
    const after = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(after.body.data.processingStats.processedItems).toBe(500);

    await deliver(await client.pendingMessage(id));
    const done = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(done.body.data.status).toBe('completed');

    // The old message arrives again after the job finished: still nothing changes.
    const late = await deliver(first);
    expect(late.explicitAcks).toHaveLength(1);
    expect((await client.json<JobData>('GET', `/api/v1/jobs/${id}`)).body.data).toEqual(done.body.data);
  });

  it('drops malformed messages without touching any job', async () => {
    const result = await deliver({ tenant: '', jobId: 'nope', token: '', attempt: 0 });
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
  });

  it('re-dispatches a job whose lease lapsed (consumer crashed, message lost), resuming from its checkpoint', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(texts(700));
    const lost = await client.pendingMessage(id);
    await deliver(lost);
    // The continuation message is lost and the worker is gone: time passes beyond the lease.
    await client.lapseLeases();
    expect(await runDurableObjectAlarm(client.coordinator())).toBe(true);

    const waiting = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(waiting.body.data).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: expect.any(String) });
    // Backoff holds it back until its time: an early alarm does not start it.
    await client.elapseBackoff();
    await runDurableObjectAlarm(client.coordinator());
    const retry = await client.pendingMessage(id);
    expect(retry.attempt).toBe(2);
    expect((await deliver(lost)).explicitAcks).toHaveLength(1);
    await deliver(retry);
    const done = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(done.body.data).toMatchObject({ status: 'completed', attempts: 2, processingStats: { processedItems: 700 } });
    expect(done.body.data.result?.results).toHaveLength(700);
  });

  it('catches the lapsed lease of a job started after an earlier alarm was armed: the early alarm re-arms', async () => {
    const client = freshTenant();
    const halfLease = Number(env.LEASE_MS) / 2;
    await deliver(await client.pendingMessage(await client.createSentiment(['first'])));
    // The first job's lease deadline stays armed; the second job's lease ends later.
    await client.advanceClock(halfLease);
    const id = await client.createSentiment(['second']);
    await client.advanceClock(halfLease + 1);
    expect(await runDurableObjectAlarm(client.coordinator())).toBe(true);
    expect((await client.json<JobData>('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ status: 'running', attempts: 1 });
    await client.advanceClock(halfLease);
    expect(await runDurableObjectAlarm(client.coordinator())).toBe(true);
    expect((await client.json<JobData>('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: expect.any(String) });
  });

  it('fails a job with LEASE_EXPIRED after the retry budget (MAX_RETRIES 2 here) and frees its slot', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['x']);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect((await client.pendingMessage(id)).attempt).toBe(attempt);
      await client.lapseLeases();
      await runDurableObjectAlarm(client.coordinator());
      if (attempt < 3) {
        await client.elapseBackoff();
        await runDurableObjectAlarm(client.coordinator());
      }
    }
    const failed = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(failed.body.data).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: expect.any(String),
      errorDetails: { code: 'LEASE_EXPIRED', attempts: 3, retryable: true, stage: 'processing' },
    });
    expect((await client.json<{ running: number }>('GET', '/api/v1/jobs/stats/summary')).body.data.running).toBe(0);
  });

  it('fails at once, without retrying, on an error that is not retryable', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(R2_INPUT_TEXTS);
    await env.BLOBS.delete(jobInputKey(client.tenant, id));
    await deliver(await client.pendingMessage(id));
    const failed = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
    expect(failed.body.data).toMatchObject({ status: 'failed', attempts: 1, errorDetails: { code: 'INPUT_MISSING', retryable: false } });
  });

  it('spaces retries with exponential backoff', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['x']);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      await client.lapseLeases();
      const before = await client.now();
      await runDurableObjectAlarm(client.coordinator());
      const job = await client.json<JobData>('GET', `/api/v1/jobs/${id}`);
      delays.push(Date.parse(job.body.data.nextAttemptAt ?? '') - before);
      await client.elapseBackoff();
      await runDurableObjectAlarm(client.coordinator());
    }
    // Base 1 s, equal jitter: attempt 1 waits 0.5–1 s, attempt 2 waits 1–2 s.
    expect(delays[0]).toBeGreaterThanOrEqual(400);
    expect(delays[0]).toBeLessThanOrEqual(1100);
    expect(delays[1]).toBeGreaterThanOrEqual(900);
    expect(delays[1]).toBeLessThanOrEqual(2100);
  });
});
