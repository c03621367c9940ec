import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index.ts';
import { jobPrefix } from '../../src/storage/job-blobs.ts';
import { deliver, freshTenant, R2_INPUT_TEXTS, type Client } from '../support/api.ts';

const HOUR = 3_600_000;

async function objects(client: Client, jobId: string): Promise<number> {
  return (await env.BLOBS.list({ prefix: jobPrefix(client.tenant, jobId) })).objects.length;
}

async function cron(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  await worker.scheduled(createScheduledController({ cron: '*/10 * * * *' }), env, {
    waitUntil: (p: Promise<unknown>) => waits.push(p),
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext);
  await Promise.all(waits);
}

describe('cron TTL cleanup', () => {
  it('deletes completed and cancelled jobs after 24 h and failed after 72 h, with their R2 objects, and nothing else', async () => {
    const client = freshTenant();
    // Big enough that input and results are R2 objects (small ones are kept beside the job).
    const completed = await client.createSentiment(R2_INPUT_TEXTS);
    await deliver(await client.pendingMessage(completed));
    const failed = await client.createSentiment(R2_INPUT_TEXTS);
    await env.BLOBS.delete(`${jobPrefix(client.tenant, failed)}input.json`);
    await deliver(await client.pendingMessage(failed));
    const running = await client.createSentiment(Array.from({ length: 600 }, () => 'slow'));
    await deliver(await client.pendingMessage(running));
    for (let i = 0; i < 3; i++) await client.createSentiment(['filler']);
    const pending = (await client.json<{ jobs: { id: string }[] }>('GET', '/api/v1/jobs?status=pending')).body.data.jobs[0]?.id ?? '';
    const cancelled = await client.createSentiment(['never mind']);
    await client.json('DELETE', `/api/v1/jobs/${cancelled}`);
    expect(await objects(client, completed)).toBe(2);

    // 25 hours later: the completed and cancelled jobs are past their TTL, the failed one is not.
    await client.advanceClock(25 * HOUR);
    await cron();
    await cron();

    const status = async (id: string) => (await client.json('GET', `/api/v1/jobs/${id}`)).status;
    expect(await status(completed)).toBe(404);
    expect(await status(cancelled)).toBe(404);
    expect(await objects(client, completed)).toBe(0);
    expect(await status(failed)).toBe(200);
    expect(await status(running)).toBe(200);
    expect(await status(pending)).toBe(200);
    expect(await objects(client, running)).toBeGreaterThan(0);

    await client.advanceClock(48 * HOUR);
    await Promise.all([cron(), cron()]);
    expect(await status(failed)).toBe(404);
    expect(await status(running)).toBe(200);
  }, 30_000);
});
