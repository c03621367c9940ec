import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createExportWriter } from '../../src/export/writer.ts';
import type { ExportFormat } from '../../src/export/writer-contract.ts';
import { PART_SIZE } from '../../src/handlers/data-export.ts';
import { exportObjectKey, jobPrefix } from '../../src/storage/job-blobs.ts';
import { deliver, freshTenant, type Client } from '../support/api.ts';
import { concat, sameBytes } from '../support/export-records.ts';
import { columnsOf, createJob, datasetRecords, downloadBytes, getJob, upload } from '../support/export-jobs.ts';

const ROWS = 1800;
const TEXT_CHARS = 12_000;

/** Text that deflate cannot shrink much (so XLSX output spans several parts too), deterministic. */
function noisyText(seed: number): string {
  // xorshift32: even its low bits look random, so the text stays incompressible.
  let x = (seed + 1) * 2654435761;
  let out = '';
  for (let i = 0; i < TEXT_CHARS; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += 'abcdefghijklmnopqrstuvwxyz ,"\n'.charAt((x >>> 0) % 30);
  }
  return out;
}

function bigCsv(): string {
  const lines = ['text,date,n'];
  for (let i = 0; i < ROWS; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(`"${noisyText(i).replaceAll('"', '""')}",2024-02-${day}T00:00:${String(i % 60).padStart(2, '0')}Z,${i}`);
  }
  return lines.join('\r\n');
}

/** Delivers a job's messages until it is no longer running (or `max` slices). */
async function drive(client: Client, jobId: string, max = 100): Promise<number> {
  let slices = 0;
  while (slices < max && (await getJob(client, jobId)).status === 'running') {
    await deliver(await client.pendingMessage(jobId));
    slices++;
  }
  return slices;
}

async function keysUnder(client: Client, jobId: string): Promise<string[]> {
  const listed = await env.BLOBS.list({ prefix: jobPrefix(client.tenant, jobId) });
  return listed.objects.map((o) => o.key.slice(jobPrefix(client.tenant, jobId).length)).sort();
}

let client: Client;
let datasetId: string;

beforeAll(async () => {
  client = freshTenant();
  datasetId = crypto.randomUUID();
  await upload(client, 'big.csv', bigCsv());
  const processing = await createJob(client, 'file_processing', { filePath: 'big.csv', datasetId });
  await drive(client, processing, 500);
  expect((await getJob(client, processing)).status).toBe('completed');
}, 180_000);

describe('data_export in slices (driven: every report yields)', () => {
  /**
   * The file the writer makes from the dataset in one go. CSV and JSON bytes do not depend on how
   * records are paged; XLSX's deflate output does, so its reference is an export run without a crash.
   */
  async function reference(format: ExportFormat): Promise<Uint8Array> {
    if (format === 'xlsx') {
      const jobId = await createJob(client, 'data_export', { datasetId, format });
      await drive(client, jobId);
      return downloadBytes(client, jobId);
    }
    const writer = createExportWriter(format, { fieldKeys: await columnsOf(client, datasetId) });
    const records = await datasetRecords(client, datasetId);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < records.length; i += 500) chunks.push(...writer.write(records.slice(i, i + 500)));
    chunks.push(...writer.end());
    return concat(chunks);
  }

  for (const format of ['csv', 'json', 'xlsx'] as const) {
    it(`${format}: one part per slice; a crash between slices and a lost commit still give byte-identical output`, async () => {
      const jobId = await createJob(client, 'data_export', { datasetId, format });
      const expected = await reference(format);
      expect(expected.length).toBeGreaterThan(2 * PART_SIZE);

      // Slice 1 uploads one part and reports; that report is a checkpoint and a yield.
      await deliver(await client.pendingMessage(jobId));
      const first = await getJob(client, jobId);
      expect(first.status).toBe('running');
      expect(first.processingStats.processedItems).toBeGreaterThan(0);
      expect(first.processingStats.processedItems).toBeLessThan(ROWS);
      expect(JSON.parse((await client.checkpointOf(jobId)) ?? '{}')).toMatchObject({ parts: [{ partNumber: 1 }] });

      // The worker dies: its continuation message is lost and the lease lapses; attempt 2 resumes.
      await client.lapseLeases();
      await runDurableObjectAlarm(client.coordinator());
      await client.elapseBackoff();
      await runDurableObjectAlarm(client.coordinator());
      const retry = await client.pendingMessage(jobId);
      expect(retry.attempt).toBe(2);
      const committed = await client.checkpointOf(jobId);
      await deliver(retry);

      // That slice uploaded part 2, but its commit is lost: the next slice uploads part 2 again.
      if ((await getJob(client, jobId)).status === 'running') await client.sql('UPDATE jobs SET checkpoint = ? WHERE id = ?', committed, jobId);
      await drive(client, jobId);
      const done = await getJob(client, jobId);
      expect(done.status).toBe('completed');
      expect(done.result).toMatchObject({ records: ROWS, bytes: expected.length });
      expect(sameBytes(await downloadBytes(client, jobId), expected)).toBe(true);
      expect(await keysUnder(client, jobId)).toEqual(['export.' + format]);
    }, 120_000);
  }

  it('cancelled between slices: the multipart upload is aborted and no file is left', async () => {
    const jobId = await createJob(client, 'data_export', { datasetId, format: 'csv' });
    await deliver(await client.pendingMessage(jobId));
    const { uploadId, parts } = JSON.parse((await client.checkpointOf(jobId)) ?? '{}') as { uploadId: string; parts: R2UploadedPart[] };
    expect(parts).toHaveLength(1);

    const cancel = await client.json('DELETE', `/api/v1/jobs/${jobId}`);
    expect(cancel.status).toBe(202);
    await drive(client, jobId);
    expect((await getJob(client, jobId)).status).toBe('cancelled');
    expect(await keysUnder(client, jobId)).toEqual([]);
    // Aborted, not merely abandoned: the upload can no longer be completed.
    const key = exportObjectKey(client.tenant, jobId, 'csv');
    await expect(env.BLOBS.resumeMultipartUpload(key, uploadId).complete(parts)).rejects.toThrow();
    expect(await env.BLOBS.head(key)).toBeNull();
    const download = await client.json('GET', `/api/v1/jobs/${jobId}/download`);
    expect(download.status).toBe(409);
    expect(download.body.details).toMatchObject({ code: 'RESULT_NOT_READY', currentStatus: 'cancelled' });
  }, 60_000);

  it('a dataset written to mid-export fails it (DATASET_CHANGED); deleting the dataset is not blocked by an export', async () => {
    const changed = await createJob(client, 'data_export', { datasetId, format: 'json' });
    await deliver(await client.pendingMessage(changed));
    await upload(client, 'extra.csv', 'text\none more review\n');
    const append = await createJob(client, 'file_processing', { filePath: 'extra.csv', datasetId });
    await drive(client, append);
    await drive(client, changed);
    const failed = await getJob(client, changed);
    expect(failed).toMatchObject({ status: 'failed', errorDetails: { code: 'DATASET_CHANGED' } });
    expect(await keysUnder(client, changed)).toEqual([]);

    // Exports only read: a delete goes ahead (a delayed export could otherwise hold it for days).
    const reader = await createJob(client, 'data_export', { datasetId, format: 'csv' });
    await deliver(await client.pendingMessage(reader));
    expect((await client.json('DELETE', `/api/v1/datasets/${datasetId}`)).status).toBe(200);
    await drive(client, reader);
    expect(await getJob(client, reader)).toMatchObject({ status: 'failed', errorDetails: { code: 'DATASET_NOT_FOUND' } });
    expect(await keysUnder(client, reader)).toEqual([]);
  }, 60_000);
});
