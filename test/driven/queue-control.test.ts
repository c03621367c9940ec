import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { jobInputKey } from '../../src/storage/job-blobs.ts';
import { deliver, freshTenant, R2_INPUT_TEXTS, type Client } from '../support/api.ts';

interface Job {
  id: string;
  status: string;
  scheduledFor?: string;
  waitingFor?: string[];
  retryOf?: string;
  retriedBy?: string;
  errorDetails?: { code: string };
  error?: string;
}

const get = async (client: Client, id: string) => (await client.json<Job>('GET', `/api/v1/jobs/${id}`)).body.data;
const create = (client: Client, extra: Record<string, unknown>) =>
  client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['Fine.'] }, ...extra });

async function runToEnd(client: Client, id: string): Promise<void> {
  while ((await get(client, id)).status === 'running') await deliver(await client.pendingMessage(id));
}

describe('delayed jobs', () => {
  it('keeps a delayed job pending with scheduledFor, then starts it on the first alarm after it is due', async () => {
    const client = freshTenant();
    const res = await create(client, { delay: 60_000, priority: 'high' });
    expect(res.status).toBe(201);
    const id = res.body.data.jobId;
    const job = await get(client, id);
    expect(job.status).toBe('pending');
    expect(Date.parse(job.scheduledFor ?? '') - Date.now()).toBeGreaterThan(55_000);
    // An early alarm does not start it, though every slot is free.
    await runDurableObjectAlarm(client.coordinator());
    expect((await get(client, id)).status).toBe('pending');

    await client.advanceClock(60_000);
    expect(await runDurableObjectAlarm(client.coordinator())).toBe(true);
    expect((await get(client, id)).status).toBe('running');
  });

  it('runs a job whose runAt is in the past at once, and refuses one beyond 30 days or with both runAt and delay', async () => {
    const client = freshTenant();
    const past = await create(client, { runAt: new Date(Date.now() - 60_000).toISOString() });
    expect((await get(client, past.body.data.jobId)).status).toBe('running');

    const far = await create(client, { runAt: new Date(Date.now() + 31 * 24 * 3_600_000).toISOString() });
    expect(far.status).toBe(400);
    expect(far.body.details?.errors).toEqual([expect.objectContaining({ field: 'runAt', message: expect.stringMatching(/30 days/) })]);
    const both = await create(client, { runAt: new Date().toISOString(), delay: 5 });
    expect(both.body.details?.errors).toEqual([expect.objectContaining({ field: 'delay' })]);
    const tooLong = await create(client, { delay: 31 * 24 * 3_600_000 });
    expect(tooLong.body.details?.errors).toEqual([expect.objectContaining({ field: 'delay' })]);
  });
});

describe('dependencies', () => {
  it('runs a chain of three in order, each waiting in pending with waitingFor', async () => {
    const client = freshTenant();
    const a = (await create(client, {})).body.data.jobId;
    const b = (await create(client, { dependsOn: [a] })).body.data.jobId;
    const c = (await create(client, { dependsOn: [b, a] })).body.data.jobId;
    expect(await get(client, b)).toMatchObject({ status: 'pending', waitingFor: [a] });
    expect((await get(client, c)).waitingFor?.sort()).toEqual([a, b].sort());

    await runToEnd(client, a);
    expect(await get(client, b)).toMatchObject({ status: 'running' });
    expect(await get(client, c)).toMatchObject({ status: 'pending', waitingFor: [b] });
    await runToEnd(client, b);
    await runToEnd(client, c);
    expect((await get(client, c)).status).toBe('completed');
  });

  it('fails everything downstream of a failed dependency with DEPENDENCY_FAILED naming it', async () => {
    const client = freshTenant();
    const a = (await create(client, { data: { texts: R2_INPUT_TEXTS } })).body.data.jobId;
    const b = (await create(client, { dependsOn: [a] })).body.data.jobId;
    const c = (await create(client, { dependsOn: [b] })).body.data.jobId;
    await env.BLOBS.delete(jobInputKey(client.tenant, a));
    await deliver(await client.pendingMessage(a));
    expect(await get(client, b)).toMatchObject({ status: 'failed', errorDetails: { code: 'DEPENDENCY_FAILED' }, error: `Dependency ${a} failed` });
    expect(await get(client, c)).toMatchObject({ status: 'failed', error: `Dependency ${b} failed` });
  });

  it('refuses unknown, foreign and already-failed dependencies with 400 naming the item', async () => {
    const client = freshTenant();
    const cancelled = (await create(client, { delay: 60_000 })).body.data.jobId;
    await client.json('DELETE', `/api/v1/jobs/${cancelled}`);
    const foreign = await freshTenant().createSentiment(['theirs']);
    const res = await create(client, { dependsOn: [crypto.randomUUID(), foreign, cancelled] });
    expect(res.status).toBe(400);
    expect((res.body.details?.errors as { field: string }[]).map((e) => e.field)).toEqual(['dependsOn[0]', 'dependsOn[1]', 'dependsOn[2]']);
    expect((await create(client, { dependsOn: ['not-a-uuid'] })).status).toBe(400);
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(1);
  });
});

describe('pause and resume', () => {
  it('starts nothing new while paused, lets running jobs finish, still admits jobs, and resumes', async () => {
    const client = freshTenant();
    const running = await client.createSentiment(['already going']);
    expect((await client.json('POST', '/api/v1/queue/pause')).body.data).toEqual({ paused: true });
    const queued = await client.createSentiment(['waits']);
    expect((await get(client, queued)).status).toBe('pending');
    await runToEnd(client, running);
    expect((await get(client, running)).status).toBe('completed');
    expect((await get(client, queued)).status).toBe('pending');
    expect((await client.json<{ paused: boolean }>('GET', '/api/v1/jobs/stats/summary')).body.data.paused).toBe(true);

    expect((await client.json('POST', '/api/v1/queue/resume')).body.data).toEqual({ paused: false });
    expect((await get(client, queued)).status).toBe('running');
  });
});

describe('bulk', () => {
  it('creates each valid item and reports each invalid one, in order (207)', async () => {
    const client = freshTenant();
    const res = await client.json<{ created: number; failed: number; results: { index: number; success: boolean; jobId?: string; details?: { code: string } }[] }>(
      'POST',
      '/api/v1/jobs/bulk',
      {
        jobs: [
          { type: 'sentiment_analysis_batch', data: { texts: ['one'] } },
          { type: 'nope', data: {} },
          { type: 'sentiment_analysis_batch', data: { texts: [] } },
          { type: 'sentiment_analysis_batch', data: { texts: ['two'] }, priority: 'critical' },
        ],
      },
    );
    expect(res.status).toBe(207);
    expect(res.body.data).toMatchObject({ created: 2, failed: 2 });
    expect(res.body.data.results.map((r) => [r.index, r.success, r.details?.code])).toEqual([
      [0, true, undefined],
      [1, false, 'INVALID_JOB_TYPE'],
      [2, false, 'INVALID_JOB_DATA'],
      [3, true, undefined],
    ]);
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(2);
    const tooMany = await client.json('POST', '/api/v1/jobs/bulk', { jobs: Array.from({ length: 101 }, () => ({})) });
    expect(tooMany.status).toBe(400);
  });

  it('counts each job against the admission limits (queue size 10 here)', async () => {
    const client = freshTenant();
    const jobs = Array.from({ length: 12 }, (_, i) => ({ type: 'sentiment_analysis_batch', data: { texts: [`t${i}`] } }));
    const res = await client.json<{ created: number; results: { details?: { code: string } }[] }>('POST', '/api/v1/jobs/bulk', { jobs });
    expect(res.body.data.created).toBe(10);
    expect(res.body.data.results.slice(10).map((r) => r.details?.code)).toEqual(['QUEUE_FULL', 'QUEUE_FULL']);
  });

  it('cancels by filter and reports counts', async () => {
    const client = freshTenant();
    for (let i = 0; i < 3; i++) await client.createSentiment(['running'], {}, 'high');
    const low = [await client.createSentiment(['a'], {}, 'low'), await client.createSentiment(['b'], {}, 'low')];
    const res = await client.json('POST', '/api/v1/jobs/cancel', { priority: 'low' });
    expect(res.body.data).toEqual({ matched: 2, cancelled: 2, cancelRequested: 0, notCancellable: 0, notFound: 0 });
    for (const id of low) expect((await get(client, id)).status).toBe('cancelled');

    const byIds = await client.json('POST', '/api/v1/jobs/cancel', { ids: [low[0], crypto.randomUUID()], status: 'running' });
    expect(byIds.body.data).toMatchObject({ matched: 0, notFound: 1 });
    const all = await client.json('POST', '/api/v1/jobs/cancel', { status: 'running' });
    expect(all.body.data).toMatchObject({ matched: 3, cancelRequested: 3 });
    expect((await client.json('POST', '/api/v1/jobs/cancel', {})).status).toBe(400);
  });
});

describe('retry', () => {
  it('re-runs a failed job as a new job linked both ways, and refuses others with 409', async () => {
    const client = freshTenant();
    const cancelled = (await create(client, { delay: 60_000, priority: 'low' })).body.data.jobId;
    await client.json('DELETE', `/api/v1/jobs/${cancelled}`);
    const res = await client.json<{ jobId: string; retryOf: string; priority: string }>('POST', `/api/v1/jobs/${cancelled}/retry`);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ retryOf: cancelled, priority: 'low' });
    const retry = res.body.data.jobId;
    expect(await get(client, cancelled)).toMatchObject({ retriedBy: retry });
    expect(await get(client, retry)).toMatchObject({ retryOf: cancelled });
    await runToEnd(client, retry);
    expect((await get(client, retry)).status).toBe('completed');

    const again = await client.json('POST', `/api/v1/jobs/${retry}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.details).toMatchObject({ code: 'JOB_NOT_RETRYABLE', currentStatus: 'completed' });
    expect((await client.json('POST', `/api/v1/jobs/${crypto.randomUUID()}/retry`)).status).toBe(404);
  });
});
