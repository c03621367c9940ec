import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { QueueStats } from '../../src/durable/coordinator/contract.ts';
import { deliver, deliverWith, freshTenant, R2_INPUT_TEXTS, type Client } from '../support/api.ts';
import { flakyStorage, unreachableCoordinator } from '../support/faults.ts';
import { seeded } from '../support/seeded-random.ts';

interface Job {
  id: string;
  status: string;
  priority: string;
  attempts: number;
  errorDetails?: { code: string; attempts: number };
}

const get = async (client: Client, id: string) => (await client.json<Job>('GET', `/api/v1/jobs/${id}`)).body.data;

async function stats(client: Client) {
  return (await client.json<QueueStats>('GET', '/api/v1/jobs/stats/summary')).body.data;
}

async function backoffElapses(client: Client): Promise<void> {
  await client.elapseBackoff();
  await runDurableObjectAlarm(client.coordinator());
}

describe('faults', () => {
  it('fails a poison job (storage always overloaded) after the retry budget with TEMPORARY_FAILURE, freeing its slot', async () => {
    const client = freshTenant();
    // Big enough that its input and results go through R2.
    const id = await client.createSentiment(R2_INPUT_TEXTS);
    const broken = flakyStorage(() => true);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const result = await deliverWith(broken, await client.pendingMessage(id));
      // The failure is recorded in the coordinator; the message itself is done with.
      expect(result.explicitAcks).toHaveLength(1);
      if (attempt < 3) await backoffElapses(client);
    }
    expect(await get(client, id)).toMatchObject({ status: 'failed', attempts: 3, errorDetails: { code: 'TEMPORARY_FAILURE', attempts: 3 } });
    expect((await stats(client)).running).toBe(0);
    const next = await client.createSentiment(['fine']);
    expect((await get(client, next)).status).toBe('running');
  });

  // A slice analyses part 0, then part 1 beside part 0's put, waits for part 0's put, reports
  // (every report yields here) and waits for part 1's put before it ends.
  it.each([
    ['part 0, while part 1 is analysed: the attempt fails and is retried', 1, 'pending'],
    ['part 1, after the report that yielded: the continuation writes it again', 2, 'running'],
  ])('a sentiment result put that fails for %s; every item is kept once', async (_case, failing, status) => {
    const client = freshTenant();
    const texts = Array.from({ length: 1_100 }, (_, i) => `Review ${i}: the food was ${i % 2 ? 'wonderful' : 'awful'}.`);
    const id = await client.createSentiment(texts);
    let puts = 0;
    await deliverWith(flakyStorage(() => ++puts === failing), await client.pendingMessage(id));
    expect(puts).toBe(2);
    expect(await get(client, id)).toMatchObject({ status, attempts: 1 });
    if (status === 'pending') await backoffElapses(client);
    for (let slice = 0; slice < 5 && (await get(client, id)).status !== 'completed'; slice++) await deliver(await client.pendingMessage(id));
    const done = (await client.json<{ status: string; result: { totalProcessed: number } }>('GET', `/api/v1/jobs/${id}`)).body.data;
    expect(done).toMatchObject({ status: 'completed', result: { totalProcessed: 1_100 } });
    const head = await client.json<{ results: { text: string }[] }>('GET', `/api/v1/jobs/${id}/result?offset=0&limit=1000`);
    const tail = await client.json<{ results: { text: string }[] }>('GET', `/api/v1/jobs/${id}/result?offset=1000&limit=1000`);
    expect([...head.body.data.results, ...tail.body.data.results].map((r) => r.text)).toEqual(texts);
  });

  it('retries only the message whose coordinator is unreachable, and acks the rest of the batch', async () => {
    const healthy = freshTenant();
    const broken = freshTenant();
    const a = await healthy.createSentiment(['ok']);
    const b = await broken.createSentiment(['ok']);
    const messageB = await broken.pendingMessage(b);
    const result = await deliverWith(unreachableCoordinator(broken.tenant), await healthy.pendingMessage(a), messageB);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(1);
    expect((await get(healthy, a)).status).toBe('completed');
    expect((await get(broken, b)).status).toBe('running');
    // The redelivery, once the coordinator is back, finishes the job.
    await deliver(messageB);
    expect((await get(broken, b)).status).toBe('completed');
  });

  it('changes nothing when an alarm fires twice', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['x']);
    await client.lapseLeases();
    await runDurableObjectAlarm(client.coordinator());
    const once = await get(client, id);
    await runDurableObjectAlarm(client.coordinator());
    await runDurableObjectAlarm(client.coordinator());
    expect(await get(client, id)).toEqual(once);
    const history = await client.json<{ events: { action: string }[] }>('GET', `/api/v1/jobs/${id}/history`);
    expect(history.body.data.events.filter((e) => e.action === 'job.retry')).toHaveLength(1);
  });
});

describe('a seeded randomized run', () => {
  it('ends every accepted job in exactly one terminal state, with stats that add up and the cap never exceeded', async () => {
    const random = seeded(20261128);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const client = freshTenant();
    const priorities = ['low', 'medium', 'high', 'critical'] as const;
    const accepted = new Map<string, string>();
    const sizes = new Map<string, number>();
    let refused = 0;
    let faults = 0;
    let lostMessages = 0;
    let cancels = 0;
    let peak = 0;
    const target = 240;

    for (let step = 0; step < 5000; step++) {
      const s = await stats(client);
      peak = Math.max(peak, s.running);
      expect(s.running).toBeLessThanOrEqual(3);
      if (accepted.size >= target && s.pending + s.running === 0) break;
      const roll = random();
      if (accepted.size < target && roll < 0.35) {
        const priority = pick(priorities);
        const size = 1 + Math.floor(random() * 700);
        const res = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
          type: 'sentiment_analysis_batch',
          data: { texts: Array.from({ length: size }, (_, i) => `item ${i} is ${pick(['great', 'awful', 'plain'])}`) },
          priority,
        });
        if (res.status === 201) {
          accepted.set(res.body.data.jobId, priority);
          sizes.set(res.body.data.jobId, size);
        }
        else refused++;
        continue;
      }
      const running = (await client.json<{ jobs: { id: string }[] }>('GET', '/api/v1/jobs?status=running&limit=100')).body.data.jobs;
      const pending = (await client.json<{ jobs: { id: string }[] }>('GET', '/api/v1/jobs?status=pending&limit=100')).body.data.jobs;
      if (roll < 0.42 && running.length + pending.length > 0) {
        cancels++;
        await client.json('DELETE', `/api/v1/jobs/${pick([...running, ...pending]).id}`);
      } else if (roll < 0.5 && running.length > 0) {
        // The consumer died: its message is lost and the lease lapses.
        lostMessages++;
        await client.lapseLeases();
        await runDurableObjectAlarm(client.coordinator());
      } else if (running.length > 0) {
        const message = await client.pendingMessage(pick(running).id);
        const faulty = random() < 0.1;
        if (faulty) faults++;
        await deliverWith(faulty ? flakyStorage(() => true) : (await import('cloudflare:workers')).env, message);
        // At-least-once: sometimes the same message arrives again.
        if (random() < 0.1) await deliver(message);
      } else {
        await backoffElapses(client);
      }
    }

    const final = await stats(client);
    expect(final.pending + final.running).toBe(0);
    expect(final.total).toBe(accepted.size);
    expect(final.completed + final.failed + final.cancelled).toBe(accepted.size);
    const t = final.byType.sentiment_analysis_batch;
    expect(t).toEqual({ total: accepted.size, completed: final.completed, failed: final.failed, cancelled: final.cancelled });
    for (const p of priorities) expect(final.byPriority[p]).toBe([...accepted.values()].filter((v) => v === p).length);
    expect(final.performance.peakConcurrency).toBeLessThanOrEqual(3);
    // Nothing ran twice: every completed job holds exactly one result per input text.
    let checked = 0;
    for (let page = 1; page <= Math.ceil(accepted.size / 100); page++) {
      const listed = (await client.json<{ jobs: Job[] }>('GET', `/api/v1/jobs?status=completed&limit=100&page=${page}`)).body.data.jobs;
      for (const job of listed) {
        const result = await client.json<{ total: number }>('GET', `/api/v1/jobs/${job.id}/result?limit=1`);
        expect(result.body.data.total).toBe(sizes.get(job.id));
        checked++;
      }
    }
    expect(checked).toBe(final.completed);
    console.info(JSON.stringify({ randomizedRun: { accepted: accepted.size, refused, faults, lostMessages, cancels, peak, ...final.byType.sentiment_analysis_batch } }));
  }, 240_000);
});
