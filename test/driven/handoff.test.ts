import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { NewJob, QueueStats } from '../../src/durable/coordinator/contract.ts';
import { INPUT_WAIT_MS } from '../../src/durable/coordinator/job-queries.ts';
import { jobPrefix, tenantPrefix } from '../../src/storage/job-blobs.ts';
import { deliver, deliverWith, freshTenant, R2_INPUT_TEXTS, type Client } from '../support/api.ts';
import { newJob } from '../support/new-job.ts';

interface Job {
  id: string;
  status: string;
  attempts: number;
  result?: { totalProcessed: number; results: unknown[] };
}

const get = async (client: Client, id: string) => (await client.json<Job>('GET', `/api/v1/jobs/${id}`)).body.data;
const stats = async (client: Client) => (await client.json<QueueStats>('GET', '/api/v1/jobs/stats/summary')).body.data;
/** The consumer's bindings with an invocation budget, so a completion asks for the next job (the suite runs with 0). */
const withBudget = { ...env, SLICE_BUDGET_MS: '60000' };
/** A job admitted before its (big) input is written, as the Worker admits one. */
const awaitingJob = (id: string): NewJob => newJob({ id, awaitingInput: true });
const objectsUnder = async (prefix: string) => (await env.BLOBS.list({ prefix })).objects.length;

describe('a completion hands the worker the next ready job', () => {
  it('drains the backlog from one message, back to back, each job once', async () => {
    const client = freshTenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await client.createSentiment([`text ${i} is fine`]));
    const [a, b, c, d, e] = ids as [string, string, string, string, string];
    expect((await get(client, d)).status).toBe('pending');
    const first = await client.pendingMessage(a);
    await deliverWith(withBudget, first);
    // a's slot went to d, then to e, without a queue message; b and c still wait for theirs.
    for (const id of [a, d, e]) expect(await get(client, id)).toMatchObject({ status: 'completed', attempts: 1 });
    for (const id of [b, c]) expect((await get(client, id)).status).toBe('running');
    // A duplicate of the first message changes nothing.
    await deliverWith(withBudget, first);
    await deliver(await client.pendingMessage(b), await client.pendingMessage(c));
    const final = await stats(client);
    expect(final).toMatchObject({ completed: 5, running: 0, pending: 0 });
    expect(final.timing.byType.sentiment_analysis_batch?.jobs).toBe(5);
    expect(final.timing.byType.sentiment_analysis_batch?.queueWaitMs.p95).toBeGreaterThanOrEqual(0);
  });

  it('keeps the lease rules for a handed job: a worker that dies with it loses it to the next attempt', async () => {
    const client = freshTenant();
    const a = await client.createSentiment(['one']);
    for (let i = 0; i < 3; i++) await client.createSentiment([`filler ${i}`]);
    const coordinator = client.coordinator();
    const offered = await client.pendingMessage(a);
    const claim = await coordinator.claim(a, offered.token);
    if (!claim.ok) throw new Error('claim refused');
    const done = await coordinator.complete(a, claim.token, { processedItems: 1, failedItems: 0, result: { summary: {}, items: null } }, true);
    if (!done.ok || !done.next) throw new Error('nothing handed over');
    const handed = done.next;
    expect(handed.job.status).toBe('running');
    // Nobody else can take it: the queue never offered it, and its token is the handed one.
    expect((await coordinator.claim(handed.job.id, offered.token)).ok).toBe(false);
    // A completion with a stale token hands nothing over.
    expect(await coordinator.complete(a, claim.token, { processedItems: 1, failedItems: 0, result: { summary: {}, items: null } }, true)).toEqual({
      ok: false,
      code: 'STALE',
    });
    // The worker dies: the lease lapses, the job is retried and completes on its second attempt.
    await client.lapseLeases();
    await runDurableObjectAlarm(coordinator);
    await client.elapseBackoff();
    await runDurableObjectAlarm(coordinator);
    expect((await coordinator.checkpoint(handed.job.id, handed.token, { processedItems: 0, failedItems: 0, checkpoint: '{}', yield: false })).ok).toBe(false);
    await deliver(await client.pendingMessage(handed.job.id));
    expect(await get(client, handed.job.id)).toMatchObject({ status: 'completed', attempts: 2, result: { totalProcessed: 1 } });
  });
});

describe('small jobs stay out of R2', () => {
  it('keeps a small input and its results beside the job', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['I love it', 'Call me at +1 415-555-0132']);
    await deliver(await client.pendingMessage(id));
    expect(await objectsUnder(jobPrefix(client.tenant, id))).toBe(0);
    const job = await get(client, id);
    expect(job.result?.results).toHaveLength(2);
    const page = await client.json<{ results: { text: string }[]; total: number }>('GET', `/api/v1/jobs/${id}/result?offset=1&limit=5`);
    expect(page.body.data).toMatchObject({ total: 2, results: [{ text: 'Call me at [PHONE]' }] });
    const retried = await client.json<{ jobId: string }>('POST', `/api/v1/jobs/${id}/retry`);
    expect(retried.status).toBe(409);
  });

  it('decides admission before a big input is written, and starts the job only once it is', async () => {
    const client = freshTenant();
    // The driven suite's queue holds 10: fill it, so the big job is refused.
    for (let i = 0; i < 10; i++) await client.createSentiment([`filler ${i}`]);
    const refused = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: R2_INPUT_TEXTS } });
    expect(refused.status).toBe(429);
    expect(await objectsUnder(tenantPrefix(client.tenant))).toBe(0);

    const other = freshTenant();
    const big = await other.createSentiment(R2_INPUT_TEXTS);
    expect((await get(other, big)).status).toBe('running');
    expect(await objectsUnder(jobPrefix(other.tenant, big))).toBe(1);
    await deliver(await other.pendingMessage(big));
    expect((await get(other, big)).status).toBe('completed');
  });

  it('fails an admitted job whose input never arrived, once it has waited INPUT_WAIT_MS', async () => {
    const client = freshTenant();
    const coordinator = client.coordinator();
    const id = crypto.randomUUID();
    const admitted = await coordinator.enqueue(client.tenant, awaitingJob(id), { actor: 'test', requestId: null }, null);
    expect(admitted.ok).toBe(true);
    expect((await get(client, id)).status).toBe('pending');
    await client.advanceClock(INPUT_WAIT_MS - 1_000);
    await runDurableObjectAlarm(coordinator);
    expect((await get(client, id)).status).toBe('pending');
    await client.advanceClock(1_000);
    await runDurableObjectAlarm(coordinator);
    expect(await get(client, id)).toMatchObject({ status: 'failed', errorDetails: { code: 'INPUT_MISSING' } });
  });

  it('forgets the input wait of a job cancelled before its input arrived (no alarm left behind)', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    await client.coordinator().enqueue(client.tenant, awaitingJob(id), { actor: 'test', requestId: null }, null);
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    await client.advanceClock(INPUT_WAIT_MS);
    await runDurableObjectAlarm(client.coordinator());
    expect(await runInDurableObject(client.coordinator(), (_instance, state) => state.storage.getAlarm())).toBeNull();
    expect((await get(client, id)).status).toBe('cancelled');
  });
});
