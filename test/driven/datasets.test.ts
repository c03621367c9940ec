import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { attachDataset, datasetStoreFor, type RecordInput } from '../../src/durable/dataset-store.ts';
import { DATASET_MIGRATIONS } from '../../src/durable/dataset-schema.ts';
import { applyMigrations } from '../../src/durable/migrations.ts';
import { deliver, freshTenant, type Client } from '../support/api.ts';
import { seeded } from '../support/seeded-random.ts';

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

type Listed = { id: string; sentiment: string | null; createdAt: string; source: { file: string; line: number } };

/** Every record of a dataset through the records endpoint, `limit` at a time. */
async function readAll(client: Client, id: string, limit: number, query = ''): Promise<Listed[]> {
  const all: Listed[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { body: { data: { records: Listed[]; cursor: string | null } } } = await client.json(
      'GET',
      `/api/v1/datasets/${id}/records?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    all.push(...page.body.data.records);
    cursor = page.body.data.cursor;
  }
  return all;
}

const lines = (from: number, to: number, sentiment: RecordInput['sentiment'], day: number): RecordInput[] =>
  Array.from({ length: to - from + 1 }, (_, i) => record(from + i, sentiment, `2025-01-${String(day).padStart(2, '0')}T00:00:00Z`));

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
    // File order: source, then line.
    expect(first.body.data.records.map((r) => r.id)).toEqual(['f-2', 'f-3']);
    const second = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?limit=2&cursor=${first.body.data.cursor}`);
    expect(second.body.data.records.map((r) => r.id)).toEqual(['f-4', 'f-5']);
    expect(second.body.data.cursor).toBeNull();
    const positive = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?sentiment=positive`);
    expect(positive.body.data.records.map((r) => r.id)).toEqual(['f-2', 'f-4']);

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

  it('a sentiment filter pages in file order past the other sentiments, within date bounds', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    await store.append(
      client.tenant,
      'job-1',
      [
        record(2, 'positive', '2025-01-05T00:00:00Z'),
        record(3, 'negative', '2025-01-01T00:00:00Z'),
        record(4, 'positive', '2025-01-01T00:00:00Z'),
        record(5, null, '2025-01-01T00:00:00Z'),
        record(6, 'positive', '2025-01-03T00:00:00Z'),
        record(7, 'neutral', '2025-01-03T00:00:00Z'),
        record(8, 'positive', '2025-01-03T00:00:00Z'),
        record(9, 'positive', '2025-01-02T00:00:00Z'),
      ],
      ['n'],
    );
    type Page = { records: { id: string }[]; cursor: string | null };
    const pages: string[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { body: { data: Page } } = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?sentiment=positive&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page.body.data.records.map((r) => r.id));
      cursor = page.body.data.cursor;
    }
    expect(pages).toEqual([['f-2', 'f-4'], ['f-6', 'f-8'], ['f-9']]);
    const bounded = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?sentiment=positive&start=2025-01-02T00:00:00Z&end=2025-01-03T00:00:00Z`);
    expect(bounded.body.data.records.map((r) => r.id)).toEqual(['f-6', 'f-8', 'f-9']);
  });

  it('a write cut elsewhere than earlier ones replaces only the lines it holds: each line once, counts exact', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    await store.append(client.tenant, 'job-1', lines(1, 10, null, 1), ['n']);
    // Inside the first batch, across its end, and its first lines.
    await store.append(client.tenant, 'job-1', lines(4, 6, 'positive', 2), ['n']);
    await store.append(client.tenant, 'job-1', lines(9, 12, 'negative', 3), ['n']);
    await store.append(client.tenant, 'job-1', lines(1, 2, 'neutral', 4), ['n']);
    const expected = [
      ...[1, 2].map((l) => [l, 'neutral']),
      [3, null],
      ...[4, 5, 6].map((l) => [l, 'positive']),
      [7, null],
      [8, null],
      ...[9, 10, 11, 12].map((l) => [l, 'negative']),
    ];
    // Pages of 1, 3 and 5 records end inside and at the ends of the segments.
    for (const limit of [1, 3, 5]) {
      expect((await readAll(client, id, limit)).map((r) => [r.source.line, r.sentiment])).toEqual(expected);
    }
    const one = await client.json('GET', `/api/v1/datasets/${id}`);
    expect(one.body.data).toMatchObject({ recordCount: 12, counts: { positive: 3, negative: 4, neutral: 2, unanalyzed: 3 } });
  });

  it('a cursor goes on after its record when the records around it are rewritten between pages', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    await store.append(client.tenant, 'job-1', lines(1, 10, null, 1), ['n']);
    type Page = { records: Listed[]; cursor: string | null };
    const first = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?limit=4`);
    expect(first.body.data.records.map((r) => r.source.line)).toEqual([1, 2, 3, 4]);
    await store.append(client.tenant, 'job-1', lines(3, 7, 'positive', 2), ['n']);
    const rest = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?limit=10&cursor=${first.body.data.cursor}`);
    expect(rest.body.data.records.map((r) => [r.source.line, r.sentiment])).toEqual([
      [5, 'positive'],
      [6, 'positive'],
      [7, 'positive'],
      [8, null],
      [9, null],
      [10, null],
    ]);
    expect(rest.body.data.cursor).toBeNull();
    // A cursor of the old (createdAt, id) form is refused, not restarted.
    const old = await client.json('GET', `/api/v1/datasets/${id}/records?cursor=1735689600000_f-4`);
    expect(old.status).toBe(400);
    expect(old.body.details?.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('date ranges and sentiments across segments: counts and pages equal a filter over every record', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    const random = seeded(15);
    const sentiments = ['positive', 'negative', 'neutral', null] as const;
    const all: RecordInput[] = Array.from({ length: 300 }, (_, i) => ({
      ...record(i + 1, sentiments[Math.floor(random() * 4)] ?? null, '2025-01-01T00:00:00Z'),
      createdMs: Date.UTC(2025, 0, 1) + Math.floor(random() * 30 * 86_400_000),
    }));
    // Segments of 40 (one a day range across the month), and 60 whose dates are all in one week.
    for (let at = 0; at < 240; at += 40) await store.append(client.tenant, 'job-1', all.slice(at, at + 40), ['n']);
    const week = all.slice(240).map((r, i) => ({ ...r, createdMs: Date.UTC(2025, 0, 20) + i * 3_600_000 }));
    await store.append(client.tenant, 'job-1', week, ['n']);
    const stored = [...all.slice(0, 240), ...week];
    const ranges: Array<[string | undefined, string | undefined]> = [
      [undefined, undefined],
      ['2025-01-05T00:00:00.000Z', '2025-01-09T12:00:00.000Z'],
      ['2025-01-20T00:00:00.000Z', '2025-01-21T00:00:00.000Z'],
      ['2025-01-19T00:00:00.000Z', undefined],
      [undefined, '2025-01-02T00:00:00.000Z'],
      ['2025-03-01T00:00:00.000Z', '2025-03-02T00:00:00.000Z'],
    ];
    for (const [start, end] of ranges) {
      for (const sentiment of [undefined, 'positive', 'neutral'] as const) {
        const want = stored.filter(
          (r) => (!sentiment || r.sentiment === sentiment) && (!start || r.createdMs >= Date.parse(start)) && (!end || r.createdMs <= Date.parse(end)),
        );
        const info = await store.exportInfo(client.tenant, { sentiment, start, end });
        expect(info.ok && info.value.matching).toBe(want.length);
        const query = `${sentiment ? `&sentiment=${sentiment}` : ''}${start ? `&start=${start}` : ''}${end ? `&end=${end}` : ''}`;
        expect((await readAll(client, id, 7, query)).map((r) => r.id)).toEqual(want.map((r) => r.id));
      }
    }
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

  it('an analyze over parsed records rewrites them: counts move, the total stays', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    const parsed = [2, 3, 4].map((line) => record(line, null, '2025-01-01T00:00:00Z'));
    await store.append(client.tenant, 'job-1', parsed, ['n']);
    const analyzed = [record(2, 'positive', '2025-01-01T00:00:00Z'), record(3, 'negative', '2025-01-01T00:00:00Z')];
    await store.append(client.tenant, 'job-1', analyzed, ['n']);
    // A batch run again (a re-run slice) changes nothing.
    await store.append(client.tenant, 'job-1', analyzed, ['n']);
    const one = await client.json('GET', `/api/v1/datasets/${id}`);
    expect(one.body.data).toMatchObject({ recordCount: 3, counts: { positive: 1, negative: 1, neutral: 0, unanalyzed: 1 } });
    type Page = { records: { id: string; sentiment: string | null }[] };
    const negative = await client.json<Page>('GET', `/api/v1/datasets/${id}/records?sentiment=negative`);
    expect(negative.body.data.records.map((r) => r.id)).toEqual(['f-3']);
  });

  it('a dataset written before migration 3 reads the same after it, and its lines are rewritten in place', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    // Rebuild this store's storage as migrations 1–2 left it, with rows in the old layout.
    await runInDurableObject(store, (_instance, state) => {
      const sql = state.storage.sql;
      const owner = sql.exec<{ key: string; value: string }>('SELECT key, value FROM meta').toArray();
      const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'");
      for (const { name } of tables.toArray()) sql.exec(`DROP TABLE IF EXISTS ${name}`);
      applyMigrations(sql, DATASET_MIGRATIONS.slice(0, 2));
      for (const { key, value } of owner) sql.exec('INSERT INTO meta (key, value) VALUES (?, ?)', key, value);
      sql.exec("INSERT INTO sources (file, format, job_id, updated_ms) VALUES ('in.csv', 'csv', 'job-1', 0), ('b.ndjson', 'ndjson', 'job-0', 0)");
      sql.exec("INSERT INTO columns (name) VALUES ('n')");
      const old = (line: number, file: string, sentiment: string | null, day: number) =>
        sql.exec(
          `INSERT INTO records (id, text, sentiment, score, confidence, created_ms, source_file, source_line, fields)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          `${file}-${line}`,
          `text "${line}"\nend`,
          sentiment,
          sentiment === null ? null : 0.25,
          sentiment === null ? null : 0.5,
          Date.UTC(2025, 0, day),
          file,
          line,
          JSON.stringify({ n: line, ok: true, none: null }),
        );
      old(2, 'in.csv', 'positive', 3);
      old(3, 'in.csv', null, 1);
      old(1, 'b.ndjson', 'negative', 2);
      applyMigrations(sql, DATASET_MIGRATIONS);
    });
    const one = await client.json('GET', `/api/v1/datasets/${id}`);
    expect(one.body.data).toMatchObject({
      recordCount: 3,
      counts: { positive: 1, negative: 1, neutral: 0, unanalyzed: 1 },
      columns: ['n'],
      sources: [
        { file: 'b.ndjson', format: 'ndjson', records: 1 },
        { file: 'in.csv', format: 'csv', records: 2 },
      ],
    });
    type Page = { records: Record<string, unknown>[] };
    const page = await client.json<Page>('GET', `/api/v1/datasets/${id}/records`);
    expect(page.body.data.records).toEqual([
      expect.objectContaining({ id: 'in.csv-2', sentiment: 'positive', createdAt: '2025-01-03T00:00:00.000Z' }),
      {
        id: 'in.csv-3',
        text: 'text "3"\nend',
        sentiment: null,
        score: null,
        confidence: null,
        createdAt: '2025-01-01T00:00:00.000Z',
        source: { file: 'in.csv', line: 3 },
        fields: { n: 3, ok: true, none: null },
      },
      expect.objectContaining({ id: 'b.ndjson-1', sentiment: 'negative', score: 0.25, confidence: 0.5, source: { file: 'b.ndjson', line: 1 } }),
    ]);
    // A new write of line 3 of in.csv replaces the migrated row instead of adding one.
    await store.append(client.tenant, 'job-1', [{ ...record(3, 'neutral', '2025-01-04T00:00:00Z'), id: 'in.csv-3' }], ['n']);
    const after = await client.json('GET', `/api/v1/datasets/${id}`);
    expect(after.body.data).toMatchObject({ recordCount: 3, counts: { positive: 1, negative: 1, neutral: 1, unanalyzed: 0 } });
  });
});
