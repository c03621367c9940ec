import { describe, expect, it } from 'vitest';
import { BATCH_RECORDS } from '../../src/handlers/file-processing.ts';
import { deliver, freshTenant, type Client } from '../support/api.ts';

const ROWS = 2 * BATCH_RECORDS + 500;

function csv(): string {
  const lines = ['id,text'];
  for (let i = 1; i <= ROWS; i++) lines.push(i % 7 === 0 ? `${i},"line one\nline two ${i}"` : `${i},row ${i}`);
  return `${lines.join('\n')}\n`;
}

/** The same rows as one JSON array, laid out on the same physical lines (every 7th spans two). */
function jsonArray(): string {
  const lines = ['['];
  for (let i = 1; i <= ROWS; i++) {
    const end = i === ROWS ? '' : ',';
    lines.push(i % 7 === 0 ? `{"id": "${i}",\n "text": "line one\\nline two ${i}"}${end}` : `{"id": "${i}", "text": "row ${i}"}${end}`);
  }
  return `${lines.join('\n')}\n]\n`;
}

async function recordCount(client: Client, datasetId: string): Promise<number> {
  const res = await client.json<{ recordCount: number }>('GET', `/api/v1/datasets/${datasetId}`);
  return res.status === 200 ? res.body.data.recordCount : 0;
}

async function jobStatus(client: Client, jobId: string) {
  return (await client.json<{ status: string; result?: Record<string, unknown> }>('GET', `/api/v1/jobs/${jobId}`)).body.data;
}

describe('file_processing, slice by slice', () => {
  it.each([
    ['CSV', 'rows.csv', csv(), { format: 'csv', header: ['id', 'text'] }],
    ['a JSON array', 'rows.json', jsonArray(), { format: 'json', header: null }],
  ])('%s resumes from each checkpoint; a slice run again writes no duplicates; DELETE is 409 meanwhile', async (_name, filePath, body, layout) => {
    const client = freshTenant();
    await client.request('PUT', `/api/v1/files/${filePath}`, body, { 'content-type': 'application/octet-stream' });
    const datasetId = crypto.randomUUID();
    const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'file_processing',
      data: { filePath, datasetId, chunkSize: 64 * 1024 },
    });
    const jobId = created.body.data.jobId;

    // Slice 1: the first batch's report, then the budget (0 ms in tests) hands the rest to a new
    // message. The second batch, written meanwhile, is stored too, past the checkpoint.
    await deliver(await client.pendingMessage(jobId));
    const first = await client.checkpointOf(jobId);
    expect(first).not.toBeNull();
    expect(JSON.parse(first ?? '{}')).toMatchObject({ parsed: BATCH_RECORDS, layout });
    expect(await recordCount(client, datasetId)).toBe(2 * BATCH_RECORDS);
    const busy = await client.json('DELETE', `/api/v1/datasets/${datasetId}`);
    expect(busy.status).toBe(409);
    expect(busy.body.details).toMatchObject({ code: 'DATASET_BUSY', jobIds: [jobId] });

    // Slice 2 writes the second batch again (no copies) and checkpoints it; then that checkpoint
    // is lost (as if it died before the commit).
    await deliver(await client.pendingMessage(jobId));
    expect(JSON.parse((await client.checkpointOf(jobId)) ?? '{}')).toMatchObject({ parsed: 2 * BATCH_RECORDS });
    expect(await recordCount(client, datasetId)).toBe(2 * BATCH_RECORDS);
    await client.sql('UPDATE jobs SET checkpoint = ? WHERE id = ?', first, jobId);

    // The next slice starts again from the first checkpoint: same rows, same ids, no copies.
    for (let i = 0; i < 10 && (await jobStatus(client, jobId)).status === 'running'; i++) {
      await deliver(await client.pendingMessage(jobId));
    }
    const job = await jobStatus(client, jobId);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ rowsParsed: ROWS, rowsFailed: 0, format: layout.format, columns: ['id'] });
    expect(await recordCount(client, datasetId)).toBe(ROWS);

    const page = await client.json<{ records: { text: string; fields: { id: string }; source: { line: number } }[] }>(
      'GET',
      `/api/v1/datasets/${datasetId}/records?limit=1000`,
    );
    // Row i starts after the header, the i - 1 rows before it, and the extra line of every 7th one.
    for (const record of page.body.data.records) {
      const i = Number(record.fields.id);
      expect(record.source.line).toBe(i + 1 + Math.floor((i - 1) / 7));
      expect(record.text).toBe(i % 7 === 0 ? `line one\nline two ${i}` : `row ${i}`);
    }
    expect((await client.json('DELETE', `/api/v1/datasets/${datasetId}`)).status).toBe(200);
  });

  it('a file replaced between slices fails the job instead of mixing two files', async () => {
    const client = freshTenant();
    await client.request('PUT', '/api/v1/files/swap.csv', csv(), { 'content-type': 'text/csv' });
    const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'file_processing',
      data: { filePath: 'swap.csv', datasetId: crypto.randomUUID() },
    });
    const jobId = created.body.data.jobId;
    await deliver(await client.pendingMessage(jobId));
    await client.request('PUT', '/api/v1/files/swap.csv', 'text\nnew\n', { 'content-type': 'text/csv' });
    await deliver(await client.pendingMessage(jobId));
    const job = (await client.json<{ status: string; errorDetails: { code: string } }>('GET', `/api/v1/jobs/${jobId}`)).body.data;
    expect(job.status).toBe('failed');
    expect(job.errorDetails.code).toBe('FILE_CHANGED');
  });
});
