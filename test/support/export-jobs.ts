/** Datasets built through the public API (upload, file_processing) and export jobs over them. */
import type { DatasetRecord } from '../../src/core/dataset-record.ts';
import type { Client } from './api.ts';

export interface ExportJob {
  id: string;
  status: string;
  progress: number;
  processingStats: { totalItems: number; processedItems: number };
  result?: Record<string, unknown> & { records: number; bytes: number; downloadUrl: string; expiresAt: string; truncatedCells: number };
  errorDetails?: { code: string };
}

export async function upload(client: Client, path: string, body: string): Promise<void> {
  const res = await client.request('PUT', `/api/v1/files/${path}`, body, { 'content-type': 'application/octet-stream' });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status}`);
}

export async function createJob(client: Client, type: string, data: Record<string, unknown>): Promise<string> {
  const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type, data });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.data.jobId;
}

export async function getJob(client: Client, jobId: string): Promise<ExportJob> {
  return (await client.json<ExportJob>('GET', `/api/v1/jobs/${jobId}`)).body.data;
}

/** Every record of a dataset matching `query`, in export order (createdAt, then id). */
export async function datasetRecords(client: Client, datasetId: string, query = ''): Promise<DatasetRecord[]> {
  const out: DatasetRecord[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${query}`;
    const page = await client.json<{ records: DatasetRecord[]; cursor: string | null }>('GET', `/api/v1/datasets/${datasetId}/records?${q}`);
    if (page.status !== 200) throw new Error(`records failed: ${page.status}`);
    out.push(...page.body.data.records);
    cursor = page.body.data.cursor;
  } while (cursor);
  return out;
}

export async function columnsOf(client: Client, datasetId: string): Promise<string[]> {
  return (await client.json<{ columns: string[] }>('GET', `/api/v1/datasets/${datasetId}`)).body.data.columns;
}

export async function downloadBytes(client: Client, jobId: string): Promise<Uint8Array<ArrayBuffer>> {
  const res = await client.request('GET', `/api/v1/jobs/${jobId}/download`);
  if (res.status !== 200) throw new Error(`download failed: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
