import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { deliver, freshTenant, type Client } from '../support/api.ts';

const HOUR = 3_600_000;

interface Seen {
  path: string;
  webhookId: string | null;
  verified: boolean;
  body: { id: string; type: string; job: { id: string; status: string } };
}

async function received(path: string): Promise<Seen[]> {
  const log = (await (await fetch('https://receiver.test/_log')).json()) as Seen[];
  return log.filter((s) => s.path === path);
}

async function jobWithCallback(client: Client, callbackUrl: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
    type: 'sentiment_analysis_batch',
    data: { texts: ['Webhooks are great'] },
    callbackUrl,
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.jobId;
}

/** Each delivery attempt as `outcome: detail`; the target's status never appears. */
async function history(client: Client, id: string): Promise<string[]> {
  const res = await client.json<{ events: { action: string; outcome: string; detail: string }[] }>('GET', `/api/v1/jobs/${id}/history`);
  return res.body.data.events.filter((e) => e.action === 'webhook.delivery').map((e) => `${e.outcome}: ${e.detail}`);
}

/**
 * Drives the coordinator's alarm until `count` delivery attempts are recorded. The alarm may
 * also fire on its own (it is armed for "now" when a job ends), so one forced run may find it
 * already consumed and the attempt still in flight.
 */
async function attempts(client: Client, id: string, count: number): Promise<string[]> {
  for (let round = 0; round < 50; round++) {
    const outcomes = await history(client, id);
    if (outcomes.length >= count) return outcomes;
    await runDurableObjectAlarm(client.coordinator());
    await scheduler.wait(5);
  }
  throw new Error(`fewer than ${count} delivery attempts`);
}

describe('webhooks', () => {
  it('POSTs the finished job, signed so that the receiver can verify it, from the alarm after completion', async () => {
    const client = freshTenant();
    const path = `/ok/${client.tenant}/${crypto.randomUUID()}`;
    const id = await jobWithCallback(client, `https://receiver.test${path}`);
    await deliver(await client.pendingMessage(id));
    expect((await client.json('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ status: 'completed', callbackUrl: `https://receiver.test${path}` });
    expect(await attempts(client, id, 1)).toEqual(['delivered: attempt 1']);
    const got = await received(path);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ verified: true, webhookId: `${id}:completed`, body: { type: 'job.completed', job: { id, status: 'completed' } } });

    const secret = await client.json<{ secret: string }>('GET', '/api/v1/webhooks/secret');
    expect(secret.body.data.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
  });

  it('retries with backoff after a 500, recording every attempt', async () => {
    const client = freshTenant();
    const path = `/flaky/${client.tenant}/${crypto.randomUUID()}`;
    const id = await jobWithCallback(client, `https://receiver.test${path}`);
    await deliver(await client.pendingMessage(id));
    expect(await attempts(client, id, 1)).toEqual(['failed: attempt 1, will retry']);
    // The retry waits out its backoff (5–10 s); then the next alarm sends it again.
    expect(await received(path)).toHaveLength(1);
    await client.advanceClock(HOUR);
    expect(await attempts(client, id, 2)).toEqual(['failed: attempt 1, will retry', 'delivered: attempt 2']);
    expect((await received(path)).map((s) => s.verified)).toEqual([true, true]);
  });

  it('gives up after the last attempt', async () => {
    const client = freshTenant();
    const path = `/down/${client.tenant}/${crypto.randomUUID()}`;
    const id = await jobWithCallback(client, `https://receiver.test${path}`, { delay: 60_000 });
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    // Each round makes the retry due at once; an alarm may also fire on its own meanwhile.
    for (let round = 0; round < 30 && !(await history(client, id)).some((o) => o.endsWith('gave up')); round++) {
      await client.advanceClock(HOUR);
      await runDurableObjectAlarm(client.coordinator());
    }
    const outcomes = await history(client, id);
    expect(outcomes).toHaveLength(8);
    expect(outcomes.at(-1)).toBe('failed: attempt 8, gave up');
    expect((await received(path))[0]?.body.type).toBe('job.cancelled');
  });

  it.each([
    ['http://receiver.test/x', /https/],
    ['https://127.0.0.1/x', /private, loopback/],
    ['https://10.1.2.3/x', /private/],
    ['https://169.254.169.254/latest', /link-local/],
    ['https://[::1]/x', /loopback/],
    ['https://localhost/x', /loopback/],
    ['https://receiver.test:8443/x', /default https port/],
    ['https://user:pw@receiver.test/x', /credentials/],
    ['not a url', /absolute URL/],
  ])('refuses callbackUrl %s with 400 naming the field', async (callbackUrl, message) => {
    const res = await freshTenant().json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] }, callbackUrl });
    expect(res.status).toBe(400);
    expect(res.body.details?.errors).toEqual([expect.objectContaining({ field: 'callbackUrl', message: expect.stringMatching(message) })]);
  });
});
