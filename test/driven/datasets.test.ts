import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { attachDataset, datasetStoreFor, type RecordInput } from '../../src/durable/dataset-store.ts';
import { deliver, freshTenant } from '../support/api.ts';

function record(line: number, sentiment: RecordInput['sentiment'], createdAt: string): RecordInput {
  return {
    id: `f-${line}`,
    text: `text ${line}`,
    sentiment,
    score: sentiment === null ? null : 0.5,
    confidence: sentiment === null ? null : 0.9,
    createdMs: Date.parse(createdAt),
    sourceFile: 'in.csv',
    sourceLine: line,
    fields: { n: line },
  };
}

describe('datasets', () => {
  it('lists, describes, pages records and deletes; other tenants see 404', async () => {
    const client = freshTenant();
    const other = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    const records = [
      record(2, 'positive', '2025-01-03T00:00:00Z'),
      record(3, 'negative', '2025-01-01T00:00:00Z'),
      record(4, 'positive', '2025-01-02T00:00:00Z'),
      record(5, null, '2025-01-02T00:00:00Z'),
    ];
    await store.append(client.tenant, 'job-1', records, ['n', 'text']);
    // Written twice (a re-run slice): still four records.
    await store.append(client.tenant, 'job-1', records, ['n', 'text']);
    await store.detach(client.tenant, 'job-1');

    const list = await client.json<{ datasets: { datasetId: string; recordCount: number }[] }>('GET', '/api/v1/datasets');
    expect(list.body.data.datasets).toEqual([expect.objectContaining({ datasetId: id, recordCount: 4 })]);

    const one = await client.json('GET', `/api/v1/datasets/${id}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({
      datasetId: id,
      recordCount: 4,
      counts: { positive: 2, negative: 1, neutral: 0, unanalyzed: 1 },
      columns: ['n', 'text'],
      sources: [{ file: 'in.csv', format: 'csv', jobId: 'job-1', records: 4 }],
    });

    type Page = { records: { id: string; createdAt: string; source: { line: number } }[]; cursor: string | null };
    const first = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?limit=2`);
    expect(first.body.data.records.map((r) => r.id)).toEqual(['f-3', 'f-4']);
    const second = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?limit=2&cursor=${first.body.data.cursor}`);
    expect(second.body.data.records.map((r) => r.id)).toEqual(['f-5', 'f-2']);
    expect(second.body.data.cursor).toBeNull();
    const positive = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?sentiment=positive`);
    expect(positive.body.data.records.map((r) => r.id)).toEqual(['f-4', 'f-2']);

    const ranged = await store.readRecords(client.tenant, { start: '2025-01-02T00:00:00Z', end: '2025-01-02T23:59:59Z', limit: 10 });
    expect(ranged.ok && ranged.value.records.map((r) => r.id)).toEqual(['f-4', 'f-5']);

    for (const path of [`/api/v1/datasets/${id}`, `/api/v1/datasets/${id}/records`]) {
      expect((await other.json('GET', path)).status).toBe(404);
    }
    expect((await other.json('DELETE', `/api/v1/datasets/${id}`)).status).toBe(404);
    expect((await other.json<{ datasets: unknown[] }>('GET', '/api/v1/datasets')).body.data.datasets).toEqual([]);
    expect((await datasetStoreFor(env, other.tenant, id).summary(client.tenant)).ok).toBe(false);
    expect((await client.json('GET', '/api/v1/datasets/not-a-uuid')).status).toBe(404);

    const del = await client.json('DELETE', `/api/v1/datasets/${id}`);
    expect(del.status).toBe(200);
    expect(del.body.data).toMatchObject({ deleted: true, deletedRecords: 4 });
    expect((await client.json('GET', `/api/v1/datasets/${id}`)).status).toBe(404);
    expect((await client.json<{ datasets: unknown[] }>('GET', '/api/v1/datasets')).body.data.datasets).toEqual([]);
  });

  it('refuses DELETE with 409 while a job that writes to it runs', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const jobId = await client.createSentiment(['fine']);
    await attachDataset(env, client.tenant, id, jobId, { file: 'x.txt', format: 'text' });
    const refused = await client.json('DELETE', `/api/v1/datasets/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.details).toMatchObject({ code: 'DATASET_BUSY', jobIds: [jobId] });
    // Once the job has finished (without detaching, as a failed job would), it is no writer.
    await deliver(await client.pendingMessage(jobId));
    expect((await client.json('DELETE', `/api/v1/datasets/${id}`)).status).toBe(200);
  });
});
