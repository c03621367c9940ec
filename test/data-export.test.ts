import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../src/core/dataset-record.ts';
import { exportColumns } from '../src/export/columns.ts';
import { EXPORT_FORMAT_VERSION } from '../src/export/writer-contract.ts';
import { freshTenant, type Client } from './support/api.ts';
import { columnsOf, createJob, datasetRecords, downloadBytes, upload, type ExportJob } from './support/export-jobs.ts';
import { expectedCsvCell, expectedXlsxCell, expectXlsxRow, parseCsv, readXlsxRepacked } from './support/export-readers.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Every awkward value: quotes, commas, line breaks, formula-like text, unicode, empty fields.
// `delta`: CSV gives numbers as text; plain ones stay numbers, identifiers and long digit runs stay text.
const CSV = [
  'review,date,region,note,delta',
  '"I love this product, it is wonderful",2024-01-15T10:00:00Z,EU,plain,-3',
  '"Terrible quality, I hate it",2024-02-10T08:30:00Z,"US, East","She said ""hi""",2.5',
  '=SUM(A1:A2) is a formula,2024-03-05T00:00:00Z,APAC,+cmd,007',
  '"Multi\nline\r\nreview, with comma",2024-04-20T12:00:00Z,,-2+3,-0.25',
  'Emoji 😀 and 中文 accents éàü,2024-05-01T00:00:00Z,@import,,12345678901234567890',
  'The box is on the table,2024-06-30T23:59:59.999Z,EU,"\ttab",+4',
  'Great great great and excellent,2024-06-01T00:00:00Z,US,\'quoted\',0',
  'Awful and broken,2023-12-31T23:00:00Z,US,x,',
].join('\r\n');
// A second file into the same dataset: typed and missing values, a field CSV rows lack.
const NDJSON = [
  { text: 'Lovely and delightful', date: '2024-03-10T09:00:00Z', stars: 4.5, verified: true, note: null },
  { text: '@mention then "quotes", commas', date: '2024-06-15T00:00:00Z', stars: -1, verified: false, region: '' },
  { text: 'Horrible, the worst', date: '2024-01-01T00:00:00Z', stars: 0 },
]
  .map((o) => JSON.stringify(o))
  .join('\n');

let client: Client;
let datasetId: string;
let all: DatasetRecord[];
let columns: string[];

async function runExport(data: Record<string, unknown>): Promise<ExportJob> {
  const id = await createJob(client, 'data_export', { datasetId, ...data });
  const done = await client.json<ExportJob>('POST', `/api/v1/jobs/${id}/wait`, { timeout: 20_000 });
  expect(done.body.data.status).toBe('completed');
  return done.body.data;
}

function csvRows(bytes: Uint8Array): (string | null)[][] {
  return parseCsv(decoder.decode(bytes));
}

/** The dataset's records as the JSON export writes them: exactly the dataset's columns in `fields`. */
function asJson(record: DatasetRecord) {
  return { ...record, fields: Object.fromEntries(columns.map((k) => [k, Object.hasOwn(record.fields, k) ? record.fields[k] : null])) };
}

beforeAll(async () => {
  client = freshTenant();
  datasetId = crypto.randomUUID();
  await upload(client, 'in/reviews.csv', CSV);
  await upload(client, 'in/more.ndjson', NDJSON);
  for (const filePath of ['in/reviews.csv', 'in/more.ndjson']) {
    const id = await createJob(client, 'file_processing', { filePath, datasetId, processingType: 'analyze' });
    const done = await client.json<ExportJob>('POST', `/api/v1/jobs/${id}/wait`, { timeout: 20_000 });
    expect(done.body.data.status).toBe('completed');
  }
  all = await datasetRecords(client, datasetId);
  columns = await columnsOf(client, datasetId);
  expect(all).toHaveLength(11);
  expect(new Set(all.map((r) => r.sentiment))).toEqual(new Set(['positive', 'negative', 'neutral']));
});

// This project admits 12 jobs a minute per tenant; each test starts as if a minute had passed.
beforeEach(async () => {
  await client.sql('DELETE FROM admission_seconds');
});

describe('data_export: each format read back record by record', () => {
  it('csv: BOM, header, every record; metadata travels in the result', async () => {
    const job = await runExport({ format: 'csv', includeMetadata: true });
    expect(job.processingStats).toMatchObject({ totalItems: 11, processedItems: 11 });
    const bytes = await downloadBytes(client, job.id);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRows(bytes);
    const { columns: cols } = exportColumns(columns);
    expect(rows[0]).toEqual(cols.map((c) => c.header));
    expect(rows.slice(1)).toEqual(all.map((r) => cols.map((c) => expectedCsvCell(c.value(r)))));
    // Formula-like text is neutralised; a negative number stays a number, typed or from CSV text.
    expect(rows.flat()).toContain("'=SUM(A1:A2) is a formula");
    expect(rows.flat()).toContain('-1');
    const delta = rows[0]?.indexOf('fields.delta') ?? -1;
    expect(rows.slice(1).map((r) => r[delta])).toEqual(expect.arrayContaining(['-3', '-0.25', "'+4", '007']));
    // One naming: every source column is `fields.<key>`; the review column became `text`, so it is none.
    expect(rows[0]?.slice(8).sort()).toEqual(['fields.date', 'fields.delta', 'fields.note', 'fields.region', 'fields.stars', 'fields.verified']);
    expect(job.result).toMatchObject({
      format: 'csv',
      records: 11,
      bytes: bytes.length,
      truncatedCells: 0,
      downloadUrl: `/api/v1/jobs/${job.id}/download`,
      metadata: { datasetId, filters: {}, recordCount: 11, formatVersion: EXPORT_FORMAT_VERSION, generatedAt: expect.any(String) },
    });
    const view = await client.json<{ expiresAt: string }>('GET', `/api/v1/jobs/${job.id}`);
    const drift = Date.parse(view.body.data.expiresAt) - Date.parse(job.result?.expiresAt ?? '');
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(drift).toBeLessThan(5_000);
  });

  it('json: one document, records equal to the dataset; {records, metadata} with metadata', async () => {
    const plain = await runExport({ format: 'json' });
    expect(JSON.parse(decoder.decode(await downloadBytes(client, plain.id)))).toEqual(all.map(asJson));
    expect(plain.result?.metadata).toBeUndefined();

    const withMeta = await runExport({ format: 'json', includeMetadata: true, filters: { sentiment: 'negative' } });
    const doc = JSON.parse(decoder.decode(await downloadBytes(client, withMeta.id))) as { records: unknown[]; metadata: Record<string, unknown> };
    const negative = all.filter((r) => r.sentiment === 'negative');
    expect(doc.records).toEqual(negative.map(asJson));
    expect(doc.metadata).toMatchObject({ datasetId, filters: { sentiment: 'negative' }, recordCount: negative.length, formatVersion: EXPORT_FORMAT_VERSION });
  });

  it('xlsx: typed cells read back by a standard parser; a metadata sheet only with metadata', async () => {
    const { columns: cols } = exportColumns(columns);
    for (const includeMetadata of [false, true]) {
      const job = await runExport({ format: 'xlsx', includeMetadata });
      const sheets = await readXlsxRepacked(await downloadBytes(client, job.id));
      expect(sheets.map((s) => s.sheet)).toEqual(includeMetadata ? ['data', 'metadata'] : ['data']);
      const rows = sheets[0]?.data ?? [];
      expect(rows[0]).toEqual(cols.map((c) => c.header));
      expect(rows).toHaveLength(all.length + 1);
      all.forEach((record, i) => expectXlsxRow(rows[i + 1], cols.map((c) => expectedXlsxCell(c, record))));
      if (includeMetadata) expect(sheets[1]?.data).toContainEqual(['recordCount', 11]);
      const delta = cols.findIndex((c) => c.header === 'fields.delta');
      const deltas = rows.slice(1).map((r) => r[delta]);
      expect(deltas).toEqual(expect.arrayContaining([-3, 2.5, -0.25, 0, '007', '12345678901234567890', '+4']));
    }
  });
});

describe('data_export filters', () => {
  const inRange = (r: DatasetRecord, start: string, end: string) => r.createdAt >= start && r.createdAt <= end;

  it('sentiment, dateRange (date-times and whole days), limit, combined, and an empty result', async () => {
    const cases: { filters: Record<string, unknown>; expected: () => DatasetRecord[] }[] = [
      { filters: { sentiment: 'positive' }, expected: () => all.filter((r) => r.sentiment === 'positive') },
      {
        filters: { dateRange: { start: '2024-02-10T08:30:00Z', end: '2024-05-01T00:00:00+00:00' } },
        expected: () => all.filter((r) => inRange(r, '2024-02-10T08:30:00.000Z', '2024-05-01T00:00:00.000Z')),
      },
      {
        // Date-only bounds cover whole UTC days: 2024-06-30T23:59:59.999Z is in.
        filters: { dateRange: { start: '2024-06-01', end: '2024-06-30' } },
        expected: () => all.filter((r) => inRange(r, '2024-06-01T00:00:00.000Z', '2024-06-30T23:59:59.999Z')),
      },
      { filters: { limit: 4 }, expected: () => all.slice(0, 4) },
      {
        filters: { sentiment: 'negative', dateRange: { start: '2024-01-01', end: '2024-12-31' }, limit: 2 },
        expected: () => all.filter((r) => r.sentiment === 'negative' && inRange(r, '2024-01-01T00:00:00.000Z', '2024-12-31T23:59:59.999Z')).slice(0, 2),
      },
      { filters: { dateRange: { start: '2030-01-01', end: '2030-12-31' } }, expected: () => [] },
    ];
    for (const { filters, expected } of cases) {
      const want = expected();
      const job = await runExport({ format: 'json', filters });
      expect(job.processingStats.totalItems, JSON.stringify(filters)).toBe(want.length);
      expect(job.result?.records).toBe(want.length);
      expect(JSON.parse(decoder.decode(await downloadBytes(client, job.id))), JSON.stringify(filters)).toEqual(want.map(asJson));
    }
    // The sanity of the cases themselves: the combined one is not trivially empty or everything.
    expect(cases[4]?.expected().length).toBeGreaterThan(0);
  });

  it('an empty export is still a valid file in every format', async () => {
    const filters = { dateRange: { start: '1999-01-01', end: '1999-01-02' } };
    const csv = await runExport({ format: 'csv', filters });
    expect(csvRows(await downloadBytes(client, csv.id))).toEqual([exportColumns(columns).columns.map((c) => c.header)]);
    const xlsx = await runExport({ format: 'xlsx', filters, includeMetadata: true });
    const sheets = await readXlsxRepacked(await downloadBytes(client, xlsx.id));
    expect(sheets[0]?.data).toHaveLength(1);
    expect(sheets[1]?.data).toContainEqual(['recordCount', 0]);
    const json = await runExport({ format: 'json', filters, includeMetadata: true });
    expect(JSON.parse(decoder.decode(await downloadBytes(client, json.id)))).toMatchObject({ records: [], metadata: { recordCount: 0 } });
  });

  it('refuses bad data at creation, naming the field', async () => {
    const refused = async (data: Record<string, unknown>) => {
      const res = await client.json('POST', '/api/v1/jobs', { type: 'data_export', data: { datasetId, format: 'csv', ...data } });
      expect(res.status).toBe(400);
      expect(res.body.details?.code).toBe('INVALID_JOB_DATA');
      return (res.body.details?.errors as { field: string }[]).map((e) => e.field);
    };
    expect(await refused({ datasetId: crypto.randomUUID() })).toEqual(['datasetId']);
    expect(await refused({ datasetId: 'not-a-uuid' })).toEqual(['datasetId']);
    expect(await refused({ format: 'pdf' })).toEqual(['format']);
    expect(await refused({ filters: { dateRange: { start: 'yesterday', end: '2024-01-01' } } })).toEqual(['filters.dateRange.start']);
    expect(await refused({ filters: { dateRange: { start: '2024-02-01', end: '2024-01-01' } } })).toEqual(['filters.dateRange.end']);
    expect(await refused({ filters: { dateRange: { start: '2024-01-01T10:00:00', end: '2024-02-01' } } })).toEqual(['filters.dateRange.start']);
    expect(await refused({ filters: { limit: 0 } })).toEqual(['filters.limit']);
    expect(await refused({ filters: { limit: 1_000_001 } })).toEqual(['filters.limit']);
    expect(await refused({ filters: { sentiment: 'happy' } })).toEqual(['filters.sentiment']);
    expect(await refused({ filters: { colour: 'red' } })).toEqual(['filters.colour']);
    // Another tenant's dataset does not exist for this one.
    const other = freshTenant();
    const res = await other.json('POST', '/api/v1/jobs', { type: 'data_export', data: { datasetId, format: 'csv' } });
    expect(res.status).toBe(400);
    expect(res.body.details?.errors).toEqual([{ field: 'datasetId', message: expect.any(String) }]);
  });
});

describe('GET /jobs/{id}/download', () => {
  it('streams the file as an attachment, honours Range, refuses other tenants and non-exports, and is audited', async () => {
    const job = await runExport({ format: 'csv' });
    const startedAt = new Date().toISOString();
    const whole = await downloadBytes(client, job.id);
    const res = await client.request('GET', `/api/v1/jobs/${job.id}/download`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="dataset-${datasetId}-\\d{8}T\\d{6}Z\\.csv"$`));
    expect(res.headers.get('content-length')).toBe(String(whole.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    await res.body?.cancel();

    const part = await client.request('GET', `/api/v1/jobs/${job.id}/download`, undefined, { range: 'bytes=3-12' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 3-12/${whole.length}`);
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([...whole.subarray(3, 13)]);
    const tail = await client.request('GET', `/api/v1/jobs/${job.id}/download`, undefined, { range: 'bytes=-5' });
    expect([...new Uint8Array(await tail.arrayBuffer())]).toEqual([...whole.subarray(whole.length - 5)]);
    const outside = await client.request('GET', `/api/v1/jobs/${job.id}/download`, undefined, { range: `bytes=${whole.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    await outside.body?.cancel();

    const stranger = await freshTenant().json('GET', `/api/v1/jobs/${job.id}/download`);
    expect(stranger.status).toBe(404);
    expect(stranger.body.details?.code).toBe('JOB_NOT_FOUND');
    expect((await client.json('GET', `/api/v1/jobs/${crypto.randomUUID()}/download`)).status).toBe(404);
    const anonymous = await client.request('GET', `/api/v1/jobs/${job.id}/download`, undefined, { authorization: '' });
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();

    const sentiment = await client.createSentiment(['fine']);
    const notExport = await client.json('GET', `/api/v1/jobs/${sentiment}/download`);
    expect(notExport.status).toBe(409);
    expect(notExport.body.details).toMatchObject({ code: 'NOT_AN_EXPORT', type: 'sentiment_analysis_batch' });
    const later = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'data_export',
      data: { datasetId, format: 'csv' },
      delay: 60_000,
    });
    const pending = await client.json('GET', `/api/v1/jobs/${later.body.data.jobId}/download`);
    expect(pending.status).toBe(409);
    expect(pending.body.details).toMatchObject({ code: 'RESULT_NOT_READY', currentStatus: 'pending' });

    const audit = await client.json<{ events: { action: string; outcome: string; detail: string | null }[] }>(
      'GET',
      `/api/v1/audit?limit=500&since=${encodeURIComponent(startedAt)}`,
    );
    const downloads = audit.body.data.events.filter((e) => e.action === 'export.download');
    expect(downloads.map((e) => e.outcome)).toEqual(['served', 'served', 'partial', 'partial']);
    expect(downloads.every((e) => e.detail === job.id)).toBe(true);
  });
});
