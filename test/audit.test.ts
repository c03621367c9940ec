import { describe, expect, it } from 'vitest';
import type { AuditEvent as Event } from '../src/durable/coordinator/contract.ts';
import { freshTenant } from './support/api.ts';

describe('audit trail', () => {
  it("records a job's client actions and state changes with actor and request id, never the key", async () => {
    const client = freshTenant();
    const create = await client.request(
      'POST',
      '/api/v1/jobs',
      { type: 'sentiment_analysis_batch', data: { texts: ['Splendid'] } },
      { 'x-request-id': 'req-create-1' },
    );
    const { data } = (await create.json()) as { data: { jobId: string } };
    expect(create.headers.get('x-request-id')).toBe('req-create-1');
    await client.json('POST', `/api/v1/jobs/${data.jobId}/wait`, { timeout: 30_000 });
    await client.json('DELETE', `/api/v1/jobs/${data.jobId}`);

    const res = await client.request('GET', `/api/v1/jobs/${data.jobId}/history`);
    const raw = await res.text();
    expect(res.status).toBe(200);
    expect(raw).not.toContain(client.key);
    const events = (JSON.parse(raw) as { data: { events: Event[] } }).data.events;
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual(['job.create:created', 'job.start:started', 'job.state:completed', 'job.cancel:refused:completed']);
    expect(events[0]).toMatchObject({ actor: expect.stringMatching(/^key:[0-9a-f]{12}$/), requestId: 'req-create-1', detail: 'sentiment_analysis_batch medium' });
    expect(events[1]?.actor).toBe('system');
    expect(events[3]?.actor).toBe(events[0]?.actor);
  });

  it('lists the tenant trail by cursor and time, including refused creations and wait timeouts', async () => {
    const client = freshTenant();
    const start = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await client.createSentiment([`t${i}`]));
    const first = await client.json<{ events: Event[]; nextCursor: number | null }>('GET', '/api/v1/audit?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.events).toHaveLength(2);
    expect(first.body.data.nextCursor).not.toBeNull();
    const all: Event[] = [...first.body.data.events];
    let cursor = first.body.data.nextCursor;
    while (cursor !== null) {
      const page = await client.json<{ events: Event[]; nextCursor: number | null }>('GET', `/api/v1/audit?limit=2&cursor=${cursor}`);
      all.push(...page.body.data.events);
      cursor = page.body.data.nextCursor;
    }
    expect(all.filter((e) => e.action === 'job.create').map((e) => e.jobId)).toEqual(ids);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));

    const future = await client.json<{ events: Event[] }>('GET', `/api/v1/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.data.events).toEqual([]);
    const since = await client.json<{ events: Event[] }>('GET', `/api/v1/audit?since=${encodeURIComponent(start)}`);
    expect(since.body.data.events.length).toBeGreaterThanOrEqual(3);

    const bad = await client.json('GET', '/api/v1/audit?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.details?.errors).toEqual([expect.objectContaining({ field: 'since' })]);
  });

  it('answers 404 for the history of an unknown job or another tenant’s job', async () => {
    const owner = freshTenant();
    const id = await owner.createSentiment(['mine']);
    const other = freshTenant();
    expect((await other.json('GET', `/api/v1/jobs/${id}/history`)).status).toBe(404);
    expect((await owner.json('GET', `/api/v1/jobs/${crypto.randomUUID()}/history`)).status).toBe(404);
  });

  it('records file uploads (whole and multipart), overwrites, file deletes and dataset deletes', async () => {
    const client = freshTenant();
    const put = (body: string) => client.request('PUT', '/api/v1/files/in/a.txt', body, { 'content-type': 'text/plain', 'x-request-id': 'req-put' });
    expect((await put('first line\n')).status).toBe(201);
    expect((await put('second version\n')).status).toBe(200);
    const started = await client.json<{ uploadId: string }>('POST', '/api/v1/files/in/b.txt?uploads');
    const uploadId = encodeURIComponent(started.body.data.uploadId);
    expect((await client.request('PUT', `/api/v1/files/in/b.txt?uploadId=${uploadId}&partNumber=1`, 'one part\n')).status).toBe(200);
    expect((await client.json('POST', `/api/v1/files/in/b.txt?uploadId=${uploadId}`)).status).toBe(201);
    const datasetId = crypto.randomUUID();
    const job = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'file_processing', data: { filePath: 'in/a.txt', datasetId } });
    await client.json('POST', `/api/v1/jobs/${job.body.data.jobId}/wait`, { timeout: 20_000 });
    expect((await client.json('DELETE', '/api/v1/files/in/a.txt')).status).toBe(200);
    expect((await client.json('DELETE', `/api/v1/datasets/${datasetId}`)).status).toBe(200);

    const log = await client.json<{ events: Event[] }>('GET', '/api/v1/audit?limit=100');
    const trail = log.body.data.events.filter((e) => e.action.startsWith('file.') || e.action.startsWith('dataset.'));
    expect(trail.map((e) => [e.action, e.outcome, e.detail])).toEqual([
      ['file.upload', 'created', 'in/a.txt'],
      ['file.upload', 'overwritten', 'in/a.txt'],
      ['file.upload', 'created', 'in/b.txt'],
      ['file.delete', 'deleted', 'in/a.txt'],
      ['dataset.delete', 'deleted', datasetId],
    ]);
    expect(trail[0]).toMatchObject({ actor: expect.stringMatching(/^key:[0-9a-f]{12}$/), requestId: 'req-put' });
  });
});
