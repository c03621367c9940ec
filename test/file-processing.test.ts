import { describe, expect, it } from 'vitest';
import { freshTenant, type Client } from './support/api.ts';

interface Job {
  status: string;
  progress: number;
  processingStats: { totalItems: number; processedItems: number; failedItems: number };
  result: Record<string, unknown> & { errors: { line: number; message: string }[] };
  error?: string;
}
interface Rec {
  id: string;
  text: string;
  sentiment: string | null;
  createdAt: string;
  source: { file: string; line: number };
  fields: Record<string, unknown>;
}

async function upload(client: Client, path: string, body: string): Promise<void> {
  const res = await client.request('PUT', `/api/v1/files/${path}`, body, { 'content-type': 'application/octet-stream' });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status}`);
}

async function processFile(client: Client, data: Record<string, unknown>): Promise<Job> {
  const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'file_processing', data });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const done = await client.json<Job>('POST', `/api/v1/jobs/${created.body.data.jobId}/wait`, { timeout: 20_000 });
  return done.body.data;
}

async function records(client: Client, datasetId: string, query = ''): Promise<Rec[]> {
  const out: Rec[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `limit=1000${cursor ? `&cursor=${cursor}` : ''}${query}`;
    const page = await client.json<{ records: Rec[]; cursor: string | null }>('GET', `/api/v1/datasets/${datasetId}/records?${q}`);
    out.push(...page.body.data.records);
    cursor = page.body.data.cursor;
  } while (cursor);
  return out.sort((a, b) => a.source.line - b.source.line);
}

describe('file_processing', () => {
  it('CSV: header, quoted newlines, date column, malformed rows; a record straddling every chunk edge', async () => {
    const client = freshTenant();
    // Lines long enough that a 64 KiB chunk edge falls inside records, some of them quoted over lines.
    const rows = ['id,review,date,stars'];
    for (let i = 1; i <= 600; i++) {
      const review = i % 3 === 0 ? `"Great, ""really"" great\nproduct number ${i} ${'z'.repeat(150)}"` : `ok item ${i} ${'y'.repeat(200)}`;
      rows.push(`${i},${review},2025-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z,${i % 5}`);
    }
    rows.splice(10, 0, 'broken,row'); // physical line 14 (rows 3, 6 and 9 span two lines each): too few fields
    const csv = `\uFEFF${rows.join('\r\n')}\r\n`;
    expect(csv.length).toBeGreaterThan(2 * 65536);
    await upload(client, 'in/reviews.csv', csv);
    const datasetId = crypto.randomUUID();
    const job = await processFile(client, { filePath: 'in/reviews.csv', datasetId, chunkSize: 65536 });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({
      format: 'csv',
      columns: ['id', 'date', 'stars'],
      textColumn: 'review',
      dateColumn: 'date',
      rowsParsed: 600,
      rowsFailed: 1,
      errors: [{ line: 14, message: 'Expected 4 fields, found 2' }],
      bytes: new TextEncoder().encode(csv).length,
      datasetId,
    });
    expect(job.result.sentimentDistribution).toBeUndefined();
    expect(job.processingStats.totalItems).toBe(new TextEncoder().encode(csv).length);
    expect(job.processingStats.failedItems).toBe(1);

    const stored = await records(client, datasetId);
    expect(stored).toHaveLength(600);
    expect(new Set(stored.map((r) => r.id)).size).toBe(600);
    const third = stored.find((r) => r.fields.id === '3');
    expect(third?.text).toBe(`Great, "really" great\nproduct number 3 ${'z'.repeat(150)}`);
    expect(third?.sentiment).toBeNull();
    expect(third?.createdAt).toBe('2025-01-04T00:00:00.000Z');
    expect(third?.fields).toEqual({ id: '3', date: '2025-01-04T00:00:00Z', stars: '3' });
    // Physical lines: each quoted review spans two.
    expect(third?.source).toEqual({ file: 'in/reviews.csv', line: 4 });
    expect(stored.at(-1)?.fields.id).toBe('600');
  });

  it('analyze: masks PII and scores sentiment; parse vs analyze on the same file', async () => {
    const client = freshTenant();
    const tsv = 'text\tcontact\nI love this, it is excellent!\tmail me at jane.doe@example.com\nThis is terrible. I hate it.\tn/a\nCall 415-555-0100 about the box\t\n';
    await upload(client, 'a.tsv', tsv);
    const datasetId = crypto.randomUUID();
    const job = await processFile(client, { filePath: 'a.tsv', datasetId, processingType: 'analyze' });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ format: 'tsv', rowsParsed: 3, rowsFailed: 0, sentimentDistribution: { positive: 1, negative: 1, neutral: 1 } });
    const stored = await records(client, datasetId);
    expect(stored.map((r) => r.sentiment)).toEqual(['positive', 'negative', 'neutral']);
    expect(stored[0]?.fields.contact).not.toContain('jane.doe@example.com');
    expect(stored[2]?.text).not.toContain('415-555-0100');
    const positive = await records(client, datasetId, '&sentiment=positive');
    expect(positive).toHaveLength(1);

    const parsed = crypto.randomUUID();
    await processFile(client, { filePath: 'a.tsv', datasetId: parsed });
    const raw = await records(client, parsed);
    expect(raw.map((r) => r.sentiment)).toEqual([null, null, null]);
    expect(raw[0]?.fields.contact).toBe('mail me at jane.doe@example.com');
  });

  it('NDJSON: text and date by name, nested values as JSON, bad lines counted', async () => {
    const client = freshTenant();
    const ndjson = [
      '{"message":"hello there","timestamp":1735689600,"meta":{"a":1}}',
      '{not json',
      '[1,2]',
      '',
      '{"title":"first string wins","n":3}',
    ].join('\n');
    await upload(client, 'events.data', ndjson);
    const datasetId = crypto.randomUUID();
    const job = await processFile(client, { filePath: 'events.data', datasetId });
    expect(job.result).toMatchObject({
      format: 'ndjson',
      rowsParsed: 2,
      rowsFailed: 2,
      errors: [
        { line: 2, message: 'Not valid JSON' },
        { line: 3, message: 'Not a JSON object' },
      ],
    });
    const stored = await records(client, datasetId);
    expect(stored[0]).toMatchObject({ text: 'hello there', createdAt: '2025-01-01T00:00:00.000Z', fields: { timestamp: 1735689600, meta: '{"a":1}' } });
    expect(stored[1]).toMatchObject({ text: 'first string wins', source: { line: 5 }, fields: { n: 3 } });
  });

  it('JSON array (.json): one record per element, pretty-printed or not; the text column is no column', async () => {
    const client = freshTenant();
    const body = JSON.stringify(
      [
        { review: 'Lovely, [really] {lovely}', stars: 5, meta: { a: [1, 2] } },
        'not an object',
        { review: 'Broken "quotes" inside \\ are fine', stars: -3 },
      ],
      null,
      2,
    );
    await upload(client, 'reviews.json', body);
    const datasetId = crypto.randomUUID();
    const job = await processFile(client, { filePath: 'reviews.json', datasetId });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ format: 'json', rowsParsed: 2, rowsFailed: 1, columns: ['stars', 'meta'], errors: [{ line: 12, message: 'Not a JSON object' }] });
    const stored = await records(client, datasetId);
    expect(stored.map((r) => [r.text, r.fields, r.source.line])).toEqual([
      ['Lovely, [really] {lovely}', { stars: 5, meta: '{"a":[1,2]}' }, 2],
      ['Broken "quotes" inside \\ are fine', { stars: -3 }, 13],
    ]);
    const dataset = await client.json<{ columns: string[] }>('GET', `/api/v1/datasets/${datasetId}`);
    expect(dataset.body.data.columns).toEqual(['meta', 'stars']);
  });

  it('JSON array on one line: every element a record of its own, each kept once when a slice runs again', async () => {
    const client = freshTenant();
    const elements = Array.from({ length: 2500 }, (_, i) => ({ text: `element ${i} was great`, n: i }));
    await upload(client, 'compact.json', JSON.stringify(elements));
    const datasetId = crypto.randomUUID();
    const job = await processFile(client, { filePath: 'compact.json', datasetId });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ format: 'json', rowsParsed: 2500, rowsFailed: 0 });
    // Written again over the same records: still one each.
    await processFile(client, { filePath: 'compact.json', datasetId });
    const stored = await records(client, datasetId);
    expect(stored.map((r) => r.fields.n)).toEqual(elements.map((e) => e.n));
    expect(new Set(stored.map((r) => r.id)).size).toBe(2500);
    expect(stored.every((r) => r.source.line === 1)).toBe(true);
  });

  it('plain text: one record per line; appending a second file to the same dataset', async () => {
    const client = freshTenant();
    await upload(client, 'notes.txt', 'first line\n\nsecond line');
    await upload(client, 'more.txt', 'third\n');
    const datasetId = crypto.randomUUID();
    expect((await processFile(client, { filePath: 'notes.txt', datasetId })).result).toMatchObject({ format: 'text', rowsParsed: 2 });
    await processFile(client, { filePath: 'more.txt', datasetId });
    const stored = await records(client, datasetId);
    expect(stored.map((r) => [r.text, r.source.file, r.source.line])).toEqual([
      ['first line', 'notes.txt', 1],
      ['third', 'more.txt', 1],
      ['second line', 'notes.txt', 3],
    ]);
    const summary = await client.json<{ recordCount: number; sources: { file: string }[] }>('GET', `/api/v1/datasets/${datasetId}`);
    expect(summary.body.data.recordCount).toBe(3);
    expect(summary.body.data.sources.map((s) => s.file)).toEqual(['more.txt', 'notes.txt']);
  });

  it('records near the 1 MiB limit: a batch is stored before one would take it past a row\'s 2 MB', async () => {
    const client = freshTenant();
    // Two records that fit one batch by bytes (under 1 MiB together with the first) but not one SQLite row.
    const text = `${'a'.repeat(1_000_000)}\n${'b'.repeat(1_040_000)}\nlast\n`;
    await upload(client, 'big.txt', text);
    const datasetId = crypto.randomUUID();
    const job = await processFile(client, { filePath: 'big.txt', datasetId });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ rowsParsed: 3, rowsFailed: 0 });
    const stored = await records(client, datasetId);
    expect(stored.map((r) => [r.source.line, r.text.length])).toEqual([
      [1, 1_000_000],
      [2, 1_040_000],
      [3, 4],
    ]);
  });

  it('rejects at creation: a missing file, a bad path, a bad datasetId, a chunkSize out of range', async () => {
    const client = freshTenant();
    await upload(client, 'there.csv', 'text\nx\n');
    const create = (data: Record<string, unknown>) => client.json('POST', '/api/v1/jobs', { type: 'file_processing', data });
    const id = crypto.randomUUID();
    const cases: [Record<string, unknown>, string][] = [
      [{ filePath: 'missing.csv', datasetId: id }, 'filePath'],
      [{ filePath: '../t/other/files/x.csv', datasetId: id }, 'filePath'],
      [{ filePath: 'a/./b.csv', datasetId: id }, 'filePath'],
      [{ filePath: '/abs.csv', datasetId: id }, 'filePath'],
      [{ filePath: 'a%2e%2e/b', datasetId: id }, 'filePath'],
      [{ filePath: 'there.csv', datasetId: 'nope' }, 'datasetId'],
      [{ filePath: 'there.csv', datasetId: id, chunkSize: 1024 }, 'chunkSize'],
      [{ filePath: 'there.csv', datasetId: id, chunkSize: 512 * 1024 * 1024 }, 'chunkSize'],
      [{ filePath: 'there.csv', datasetId: id, processingType: 'scan' }, 'processingType'],
    ];
    for (const [data, field] of cases) {
      const res = await create(data);
      expect(res.status, JSON.stringify(data)).toBe(400);
      expect(res.body.details).toMatchObject({ code: 'INVALID_JOB_DATA', errors: [expect.objectContaining({ field })] });
    }
    // Another tenant's file is as missing as any other.
    const other = freshTenant();
    expect((await other.json('POST', '/api/v1/jobs', { type: 'file_processing', data: { filePath: 'there.csv', datasetId: id } })).status).toBe(400);
  });
});
