import { evictDurableObject, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { freshTenant, type Client } from '../support/api.ts';

interface Schedule {
  id: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
  fired: number;
  refused: number;
  job: { type: string; priority: string };
}

const spec = (extra: Record<string, unknown> = {}) => ({
  cron: '*/5 * * * *',
  timezone: 'Europe/Berlin',
  job: { type: 'sentiment_analysis_batch', data: { texts: ['Scheduled hello'] }, priority: 'high' },
  ...extra,
});

async function fireNow(client: Client, id: string): Promise<void> {
  const schedule = await client.json<Schedule>('GET', `/api/v1/schedules/${id}`);
  await client.advanceClock(Date.parse(schedule.body.data.nextRunAt ?? '') - (await client.now()) + 1);
  await runDurableObjectAlarm(client.coordinator());
}

describe('recurring schedules', () => {
  it('creates an ordinary job per firing, survives a restart, and is listed, fetched and deleted', async () => {
    const client = freshTenant();
    const created = await client.json<Schedule>('POST', '/api/v1/schedules', spec());
    expect(created.status).toBe(201);
    const id = created.body.data.id;
    expect(created.body.data).toMatchObject({ fired: 0, refused: 0, job: { type: 'sentiment_analysis_batch', priority: 'high' } });
    const next = Date.parse(created.body.data.nextRunAt ?? '');
    expect(next).toBeGreaterThan(Date.now());
    expect(new Date(next).getUTCMinutes() % 5).toBe(0);

    await fireNow(client, id);
    await evictDurableObject(client.coordinator());
    await fireNow(client, id);

    const jobs = await client.json<{ jobs: { priority: string }[]; total: number }>('GET', '/api/v1/jobs');
    expect(jobs.body.data.total).toBe(2);
    expect(jobs.body.data.jobs.map((j) => j.priority)).toEqual(['high', 'high']);
    const after = await client.json<Schedule>('GET', `/api/v1/schedules/${id}`);
    expect(after.body.data).toMatchObject({ fired: 2, refused: 0, lastRunAt: expect.any(String) });
    expect(Date.parse(after.body.data.nextRunAt ?? '')).toBeGreaterThan(Date.now());

    // An alarm that runs again before the next due time creates nothing.
    await runDurableObjectAlarm(client.coordinator());
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(2);

    expect((await client.json<{ schedules: Schedule[] }>('GET', '/api/v1/schedules')).body.data.schedules.map((s) => s.id)).toEqual([id]);
    expect((await client.json('DELETE', `/api/v1/schedules/${id}`)).status).toBe(200);
    expect((await client.json('GET', `/api/v1/schedules/${id}`)).status).toBe(404);
  });

  it('records a firing refused by an admission limit instead of losing it silently', async () => {
    const client = freshTenant();
    for (let i = 0; i < 10; i++) await client.createSentiment([`fill ${i}`]);
    const { id } = (await client.json<Schedule>('POST', '/api/v1/schedules', spec())).body.data;
    await fireNow(client, id);
    expect((await client.json<Schedule>('GET', `/api/v1/schedules/${id}`)).body.data).toMatchObject({ fired: 0, refused: 1 });
    const audit = await client.json<{ events: { action: string; actor: string; outcome: string }[] }>('GET', '/api/v1/audit?limit=500');
    expect(audit.body.data.events).toContainEqual(expect.objectContaining({ action: 'job.create', actor: `schedule:${id}`, outcome: 'refused:QUEUE_FULL' }));
  });

  it.each([
    [{ cron: '61 * * * *' }, 'cron'],
    [{ cron: 'every day' }, 'cron'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ job: { type: 'sentiment_analysis_batch', data: { texts: [] } } }, 'texts'],
    [{ job: { type: 'sentiment_analysis_batch', data: { texts: ['x'] }, delay: 5 } }, 'job.delay'],
  ])('refuses %j with 400 naming the field', async (extra, field) => {
    const res = await freshTenant().json('POST', '/api/v1/schedules', spec(extra));
    expect(res.status).toBe(400);
    expect(res.body.details?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it("keeps schedules per tenant", async () => {
    const owner = freshTenant();
    const { id } = (await owner.json<Schedule>('POST', '/api/v1/schedules', spec())).body.data;
    const other = freshTenant();
    expect((await other.json('GET', `/api/v1/schedules/${id}`)).status).toBe(404);
    expect((await other.json('DELETE', `/api/v1/schedules/${id}`)).status).toBe(404);
  });
});
