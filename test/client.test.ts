import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createClient, JobQueueError, type JobEvent, type JobQueueClient } from '../src/client/index.ts';
import { freshTenant } from './support/api.ts';

/** A client of a tenant no other test here uses, talking to the worker in-process. */
function client(key = freshTenant().key): JobQueueClient {
  return createClient({ url: 'http://localhost', key, fetch: (request) => exports.default.fetch(request) });
}

const texts = (n: number) => Array.from({ length: n }, (_, i) => `Review ${i}: I love this, it works great`);

async function rejection(promise: Promise<unknown>): Promise<JobQueueError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof JobQueueError)) throw new Error(`expected a JobQueueError, got ${String(error)}`);
  return error;
}

describe('the typed client', () => {
  it('creates, waits for, reads, lists and counts jobs', async () => {
    const api = client();
    const created = await api.createJob({ type: 'sentiment_analysis_batch', priority: 'high', data: { texts: texts(3), includeKeywords: true } });
    expect(created).toMatchObject({ type: 'sentiment_analysis_batch', priority: 'high' });
    const done = await api.waitForJob(created.jobId, { timeoutMs: 20_000 });
    expect(done.status).toBe('completed');
    expect(done.result?.results).toHaveLength(3);
    expect((await api.getJob(created.jobId)).progress).toBe(100);
    const page = await api.results(created.jobId, { offset: 1, limit: 1 });
    expect(page).toMatchObject({ offset: 1, total: 3, nextOffset: 2 });
    const list = await api.listJobs({ status: 'completed', limit: 10 });
    expect(list.jobs.map((j) => j.id)).toEqual([created.jobId]);
    expect((await api.stats()).completed).toBe(1);
    expect((await api.history(created.jobId)).map((e) => e.action)).toContain('job.create');
  });

  it('follows live events to the end and reports progress while waiting', async () => {
    const api = client();
    const { jobId } = await api.createJob({ type: 'sentiment_analysis_batch', data: { texts: texts(1200) } });
    const seen: JobEvent[] = [];
    const done = await api.waitForJob(jobId, { timeoutMs: 30_000, onProgress: (e) => seen.push(e) });
    expect(done.status).toBe('completed');
    expect(done.result).toBeDefined();
    expect(seen.at(-1)?.type).toBe('completed');
    expect(seen.some((e) => e.type === 'progress' && e.progress > 0 && e.progress < 100)).toBe(true);
    const ids = seen.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // A finished job's stream is just its terminal state.
    const replay: JobEvent[] = [];
    for await (const event of api.events(jobId)) replay.push(event);
    expect(replay.map((e) => e.type)).toEqual(['completed']);
  });

  it('cancels a running job, which then ends cancelled', async () => {
    const api = client();
    const { jobId } = await api.createJob({ type: 'sentiment_analysis_batch', data: { texts: texts(5000) } });
    const cancelled = await api.cancelJob(jobId);
    expect(['pending', 'running', 'cancelled']).toContain(cancelled.job.status);
    expect((await api.waitForJob(jobId, { timeoutMs: 20_000 })).status).toBe('cancelled');
    const again = await rejection(api.cancelJob(jobId));
    expect(again).toMatchObject({ code: 'JOB_NOT_CANCELLABLE', status: 409, details: { currentStatus: 'cancelled' } });
  });

  it('types errors by code, with status and details', async () => {
    expect(await rejection(client('not-a-key-at-all').stats())).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    const api = client();
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await rejection(api.getJob(missing))).toMatchObject({ code: 'JOB_NOT_FOUND', status: 404, details: { jobId: missing } });
    const badType = await rejection(api.createJob({ type: 'no_such_type' as 'data_export', data: {} }));
    expect(badType.code).toBe('INVALID_JOB_TYPE');
    expect(badType.details.allowedTypes).toContain('sentiment_analysis_batch');
    const badData = await rejection(api.createJob({ type: 'sentiment_analysis_batch', data: { texts: [] } }));
    expect(badData).toMatchObject({ code: 'INVALID_JOB_DATA', status: 400 });
    const offline = createClient({ url: 'http://localhost', key: 'k', fetch: () => Promise.reject(new TypeError('connection refused')) });
    expect(await rejection(offline.stats())).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('gives up waiting at its deadline with JOB_TIMEOUT', async () => {
    const api = client();
    const { jobId } = await api.createJob({ type: 'sentiment_analysis_batch', data: { texts: texts(5000) } });
    expect(await rejection(api.waitForJob(jobId, { timeoutMs: 50 }))).toMatchObject({ code: 'JOB_TIMEOUT', status: 408 });
    expect(await rejection(api.waitForJob(jobId, { timeoutMs: 50, onProgress: () => undefined }))).toMatchObject({ code: 'JOB_TIMEOUT' });
    await api.cancelJob(jobId);
  });

  it('lists the job types the deployment runs', async () => {
    expect(await client().jobTypes()).toEqual(expect.arrayContaining(['sentiment_analysis_batch', 'file_processing']));
  });

  it('uploads small files in one PUT and big ones in parts, then downloads them', async () => {
    const api = client();
    const small = new Uint8Array(new TextEncoder().encode('text\nhello\n'));
    const progress: number[] = [];
    const put = await api.uploadFile('in/small.csv', small, { contentType: 'text/csv', onProgress: (sent) => progress.push(sent) });
    expect(put).toMatchObject({ path: 'in/small.csv', size: small.byteLength, overwritten: false });
    expect(progress).toEqual([small.byteLength]);

    const big = new Uint8Array(11 * 1024 * 1024).map((_, i) => i % 251);
    const sent: number[] = [];
    const multipart = await api.uploadFile('in/big.bin', big, { partSize: 5 * 1024 * 1024, onProgress: (n) => sent.push(n) });
    expect(multipart).toMatchObject({ path: 'in/big.bin', size: big.byteLength });
    expect(sent.toSorted((a, b) => a - b).at(-1)).toBe(big.byteLength);
    expect(sent).toHaveLength(3);
    const back = new Uint8Array(await (await api.download({ path: 'in/big.bin' })).arrayBuffer());
    expect(back.byteLength).toBe(big.byteLength);
    expect(back.every((b, i) => b === big[i])).toBe(true);

    expect(await rejection(api.download({ path: 'in/missing.bin' }))).toMatchObject({ code: 'FILE_NOT_FOUND', status: 404 });
    await expect(api.uploadFile('x', small, { partSize: 1024 })).rejects.toThrow(RangeError);
  });

  it('aborts a multipart upload when a part fails', async () => {
    const key = freshTenant().key;
    const calls: string[] = [];
    const api = createClient({
      url: 'http://localhost/api/v1',
      key,
      fetch: async (request) => {
        const url = new URL(request.url);
        calls.push(`${request.method} ${url.search.replace(/uploadId=[^&]+/, 'uploadId=…')}`);
        if (url.searchParams.get('partNumber') === '2') return Response.json({ success: false, error: 'boom', details: { code: 'INTERNAL_ERROR' } }, { status: 500 });
        return exports.default.fetch(request);
      },
    });
    const error = await rejection(api.uploadFile('in/fail.bin', new Uint8Array(new ArrayBuffer(6 * 1024 * 1024)), { partSize: 5 * 1024 * 1024, concurrency: 1 }));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(calls).toEqual(['POST ?uploads', 'PUT ?uploadId=…&partNumber=1', 'PUT ?uploadId=…&partNumber=2', 'DELETE ?uploadId=…']);
  });
});

describe('queue control in the typed client', () => {
  it('creates delayed, dependent and idempotent jobs, and sends callbackUrl', async () => {
    const api = client();
    const delayed = await api.createJob({ type: 'sentiment_analysis_batch', data: { texts: texts(1) }, delay: 60_000 });
    const held = await api.getJob(delayed.jobId);
    expect(held.status).toBe('pending');
    expect(Date.parse(held.scheduledFor ?? '') - Date.now()).toBeGreaterThan(50_000);
    const runAt = new Date(Date.now() + 60_000).toISOString();
    const dependent = await api.createJob({ type: 'sentiment_analysis_batch', data: { texts: texts(1) }, runAt, dependsOn: [delayed.jobId] });
    expect((await api.getJob(dependent.jobId)).waitingFor).toEqual([delayed.jobId]);

    const request = { type: 'sentiment_analysis_batch' as const, data: { texts: texts(1) }, delay: 60_000 };
    const first = await api.createJob(request, { idempotencyKey: 'client-test-1' });
    expect((await api.createJob(request, { idempotencyKey: 'client-test-1' })).jobId).toBe(first.jobId);
    // This project has no webhook signing key, so the option arrives and is refused by field.
    const callback = await rejection(api.createJob({ ...request, callbackUrl: 'https://example.com/hook' }));
    expect(callback).toMatchObject({ code: 'INVALID_JOB_DATA', status: 400, details: { errors: [expect.objectContaining({ field: 'callbackUrl' })] } });
    expect(await rejection(api.webhookSecret())).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
  });

  it('creates jobs in bulk with per-item outcomes, cancels by filter and retries a cancelled job', async () => {
    const api = client();
    const bulk = await api.createJobs([
      { type: 'sentiment_analysis_batch', data: { texts: texts(1) }, delay: 60_000, priority: 'low' },
      { type: 'sentiment_analysis_batch', data: { texts: [] } },
      { type: 'sentiment_analysis_batch', data: { texts: texts(1) }, delay: 60_000, priority: 'low' },
    ]);
    expect(bulk).toMatchObject({ created: 2, failed: 1 });
    expect(bulk.results.map((r) => r.success)).toEqual([true, false, true]);
    expect(bulk.results[1]?.details).toMatchObject({ code: 'INVALID_JOB_DATA' });

    expect(await api.cancelJobs({ priority: 'low', status: 'pending' })).toMatchObject({ matched: 2, cancelled: 2 });
    expect(await rejection(api.cancelJobs({}))).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });

    const cancelledId = bulk.results[0]?.jobId ?? '';
    const retried = await api.retryJob(cancelledId);
    expect(retried).toMatchObject({ retryOf: cancelledId, priority: 'low' });
    expect((await api.getJob(cancelledId)).retriedBy).toBe(retried.jobId);
    expect(await rejection(api.retryJob(retried.jobId))).toMatchObject({ code: 'JOB_NOT_RETRYABLE', status: 409 });
  });

  it('pauses and resumes the queue, which stats report', async () => {
    const api = client();
    expect(await api.pauseQueue()).toEqual({ paused: true });
    expect((await api.stats()).paused).toBe(true);
    const { jobId } = await api.createJob({ type: 'sentiment_analysis_batch', data: { texts: texts(2) } });
    expect((await api.getJob(jobId)).status).toBe('pending');
    expect(await api.resumeQueue()).toEqual({ paused: false });
    expect((await api.stats()).paused).toBe(false);
    expect((await api.waitForJob(jobId, { timeoutMs: 20_000 })).status).toBe('completed');
  });

  it('creates, lists, reads and deletes schedules', async () => {
    const api = client();
    const schedule = await api.createSchedule({
      cron: '*/5 * * * *',
      timezone: 'Europe/Berlin',
      job: { type: 'sentiment_analysis_batch', data: { texts: texts(1) }, priority: 'high' },
    });
    expect(schedule).toMatchObject({ cron: '*/5 * * * *', timezone: 'Europe/Berlin', job: { type: 'sentiment_analysis_batch', priority: 'high' }, fired: 0 });
    expect(schedule.nextRunAt).not.toBeNull();
    expect((await api.listSchedules()).map((s) => s.id)).toEqual([schedule.id]);
    expect((await api.getSchedule(schedule.id)).id).toBe(schedule.id);
    expect(await api.deleteSchedule(schedule.id)).toEqual({ id: schedule.id, deleted: true });
    expect(await rejection(api.getSchedule(schedule.id))).toMatchObject({ code: 'NOT_FOUND', status: 404, details: { scheduleId: schedule.id } });
    const badCron = await rejection(api.createSchedule({ cron: 'not a cron', job: { type: 'sentiment_analysis_batch', data: { texts: texts(1) } } }));
    expect(badCron).toMatchObject({ code: 'INVALID_REQUEST', status: 400 });
  });
});
