import { z } from 'zod';
import { loadConfig } from '../config.ts';
import { datasetStoreFor, type DatasetStore, type RecordFilter } from '../durable/dataset-store.ts';
import { MIN_PART_SIZE, PartBuffer } from '../export/part-buffer.ts';
import { createExportWriter } from '../export/writer.ts';
import { EXPORT_FORMATS, exportMetadata, type ExportFilters, type ExportMetadataInput } from '../export/writer-contract.ts';
import { XLSX_MAX_ROWS } from '../export/xlsx-writer.ts';
import { exportObjectKey } from '../storage/job-blobs.ts';
import type { FieldError } from '../core/field-error.ts';
import { JobFailure, type ExecuteOutcome, type JobHandler, type JobRun } from './types.ts';

const MiB = 1024 * 1024;
/** The largest `filters.limit`; an XLSX sheet holds at most XLSX_MAX_RECORDS whatever the limit. */
export const MAX_EXPORT_RECORDS = 1_000_000;
export const XLSX_MAX_RECORDS = XLSX_MAX_ROWS - 1;
/** Records per dataset read, and the text a page may carry (records hold up to 1 MiB each). */
export const PAGE_RECORDS = 1000;
export const PAGE_BYTES = 4 * MiB;
/** Multipart part size: R2's minimum, so a part in flight is the most an export holds. */
export const PART_SIZE = MIN_PART_SIZE;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const instant = (bound: 'start' | 'end') =>
  z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: `dateRange.${bound} must be an ISO 8601 date (2025-06-15) or date-time with a zone (2025-06-15T10:30:00Z)`,
  });

/** A date-only bound covers its whole (UTC) day: start at 00:00, end at the last millisecond. */
function boundMs(value: string, bound: 'start' | 'end'): number {
  if (!DATE_ONLY.test(value)) return Date.parse(value);
  return Date.parse(`${value}T${bound === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`);
}

export const DataExportData = z.strictObject({
  datasetId: z.uuid({ error: 'datasetId must be a UUID' }),
  format: z.enum(EXPORT_FORMATS, { error: 'format must be csv, json or xlsx' }),
  filters: z
    .strictObject({
      sentiment: z.enum(['positive', 'negative', 'neutral'], { error: 'sentiment must be positive, negative or neutral' }).optional(),
      dateRange: z
        .strictObject({ start: instant('start'), end: instant('end') })
        .refine((r) => boundMs(r.start, 'start') <= boundMs(r.end, 'end'), { path: ['end'], message: 'dateRange.end must not be before dateRange.start' })
        .optional(),
      limit: z
        .number({ error: 'limit must be a number' })
        .int('limit must be an integer')
        .min(1, 'limit must be at least 1')
        .max(MAX_EXPORT_RECORDS, `limit may be at most ${MAX_EXPORT_RECORDS}`)
        .optional(),
    })
    .default({}),
  includeMetadata: z.boolean({ error: 'includeMetadata must be a boolean' }).default(false),
});
export type DataExportData = z.infer<typeof DataExportData>;

/**
 * Resumable state. Output bytes are counted from the start of the document; `parts` cover the
 * first `parts.length × PART_SIZE` of them. `resume` is where a slice starts reading again: a
 * page start at or before the end of the uploaded parts (the part in memory is lost with the
 * slice; regenerating it from a record boundary is cheaper than storing it). XLSX never moves
 * `resume` off the start: its compressor state is not serialisable, so a slice replays the
 * workbook from the first record and skips the bytes already uploaded. Deflate output depends on
 * how records are paged; a replay reads the same pages (same keys, same limits, and the dataset
 * revision is checked), so it regenerates the same bytes.
 */
interface Checkpoint {
  uploadId: string;
  parts: { partNumber: number; etag: string }[];
  resume: { afterKey: string | null; records: number; offset: number };
  /** Fixed at the start so every slice writes the same bytes. */
  generatedAt: string;
  fieldKeys: string[];
  /** The dataset as it was at the start: any write since fails the export (DATASET_CHANGED). */
  revision: string;
  /** Records to export: the matching count at the start, capped by `filters.limit`. */
  target: number;
  startedMs: number;
}

/** Record counts seen by `validate`, which runs just before `totalItems` on the same data object. */
const counted = new WeakMap<DataExportData, number>();

export function recordFilter(filters: ExportFilters): RecordFilter {
  const range = filters.dateRange;
  return {
    sentiment: filters.sentiment,
    start: range ? new Date(boundMs(range.start, 'start')).toISOString() : undefined,
    end: range ? new Date(boundMs(range.end, 'end')).toISOString() : undefined,
  };
}

export function exportFileName(data: DataExportData, generatedAt: string): string {
  return `dataset-${data.datasetId}-${generatedAt.replace(/[-:]|\.\d+/g, '')}.${data.format}`;
}

/** Records the export will hold, or the field error that refuses it. */
async function plannedRecords(env: Env, tenant: string, data: DataExportData): Promise<{ target: number; columns: string[]; revision: string } | FieldError> {
  const info = await datasetStoreFor(env, tenant, data.datasetId).exportInfo(tenant, recordFilter(data.filters));
  if (!info.ok) return { field: 'datasetId', message: 'No dataset with this id; create one with a file_processing job' };
  const target = Math.min(info.value.matching, data.filters.limit ?? Infinity);
  if (data.format === 'xlsx' && target > XLSX_MAX_RECORDS) {
    return { field: 'format', message: `An xlsx sheet holds at most ${XLSX_MAX_RECORDS} records; set filters.limit or export csv or json` };
  }
  return { target, columns: info.value.columns, revision: info.value.revision };
}

async function start(run: JobRun<DataExportData, Checkpoint>, contentType: (fieldKeys: string[]) => string): Promise<Checkpoint> {
  const { env, tenant, data } = run;
  const plan = await plannedRecords(env, tenant, data);
  if ('field' in plan) throw new JobFailure(plan.field === 'datasetId' ? 'DATASET_NOT_FOUND' : 'EXPORT_TOO_LARGE', plan.message, false, 'loading');
  const generatedAt = new Date().toISOString();
  const upload = await env.BLOBS.createMultipartUpload(exportObjectKey(tenant, run.jobId, data.format), {
    httpMetadata: { contentType: contentType(plan.columns), contentDisposition: `attachment; filename="${exportFileName(data, generatedAt)}"` },
  });
  return {
    uploadId: upload.uploadId,
    parts: [],
    resume: { afterKey: null, records: 0, offset: 0 },
    generatedAt,
    fieldKeys: plan.columns,
    revision: plan.revision,
    target: plan.target,
    startedMs: Date.now(),
  };
}

function metadataOf(data: DataExportData, generatedAt: string): ExportMetadataInput {
  return { datasetId: data.datasetId, filters: data.filters, generatedAt };
}

/**
 * Streams the dataset page by page (keyset pagination) through the format's writer into R2
 * multipart parts of exactly PART_SIZE bytes. It reports after each uploaded part, so every
 * committed checkpoint names uploaded parts only; memory holds one page and one part.
 */
async function execute(run: JobRun<DataExportData, Checkpoint>): Promise<ExecuteOutcome> {
  const { env, tenant, data } = run;
  const writerFor = (fieldKeys: string[], generatedAt: string, continueAfter: number) =>
    createExportWriter(data.format, {
      fieldKeys,
      ...(data.includeMetadata ? { metadata: metadataOf(data, generatedAt) } : {}),
      continueAfter,
    });
  const state = run.checkpoint ?? (await start(run, (fieldKeys) => writerFor(fieldKeys, '', 0).contentType));
  const writer = writerFor(state.fieldKeys, state.generatedAt, state.resume.records);
  const key = exportObjectKey(tenant, run.jobId, data.format);
  const upload = env.BLOBS.resumeMultipartUpload(key, state.uploadId);
  const store: DurableObjectStub<DatasetStore> = datasetStoreFor(env, tenant, data.datasetId);
  const buffer = new PartBuffer(PART_SIZE);
  const uploadedBytes = state.parts.length * PART_SIZE;
  let offset = state.resume.offset;

  const uploadPart = async (bytes: Uint8Array): Promise<void> => {
    const part = await upload.uploadPart(state.parts.length + 1, bytes);
    state.parts.push({ partNumber: part.partNumber, etag: part.etag });
  };
  // Bytes already in uploaded parts are regenerated but skipped; returns whether a part went up.
  const emit = async (chunks: readonly Uint8Array[]): Promise<boolean> => {
    let uploaded = false;
    for (const chunk of chunks) {
      const skip = Math.min(chunk.length, Math.max(0, uploadedBytes - offset));
      offset += chunk.length;
      if (skip === chunk.length) continue;
      for (const part of buffer.push([chunk.subarray(skip)])) {
        await uploadPart(part);
        uploaded = true;
      }
    }
    return uploaded;
  };

  let afterKey = state.resume.afterKey;
  while (writer.stats.records < state.target) {
    const page = await store.readRecords(tenant, {
      ...recordFilter(data.filters),
      afterKey: afterKey ?? undefined,
      limit: Math.min(PAGE_RECORDS, state.target - writer.stats.records),
      maxBytes: PAGE_BYTES,
    });
    if (!page.ok) throw new JobFailure('DATASET_NOT_FOUND', 'The dataset was deleted during the export', false);
    if (page.value.revision !== state.revision) {
      throw new JobFailure('DATASET_CHANGED', 'The dataset was written to during the export; export it again once it is quiet', false);
    }
    const pageStart = { afterKey, records: writer.stats.records, offset };
    if (await emit(writer.write(page.value.records))) {
      if (data.format !== 'xlsx') state.resume = pageStart;
      const answer = await run.report({ processedItems: writer.stats.records, failedItems: 0, checkpoint: state });
      if (answer !== 'continue') return { done: false };
    }
    afterKey = page.value.nextKey;
    if (afterKey === null) break;
  }
  await emit(writer.end());
  const last = buffer.finish();
  if (last.length > 0) await uploadPart(last);
  const object = await upload.complete(state.parts);
  const { records, truncatedCells } = writer.stats;
  const config = loadConfig(env);
  return {
    done: true,
    processedItems: records,
    failedItems: 0,
    result: {
      summary: {
        datasetId: data.datasetId,
        format: data.format,
        records,
        bytes: object.size,
        truncatedCells,
        fileName: exportFileName(data, state.generatedAt),
        downloadUrl: `/api/v1/jobs/${run.jobId}/download`,
        // The job's TTL runs from its completion, a moment after this: the file is kept at least until then.
        expiresAt: new Date(Date.now() + config.completedJobTtlMs).toISOString(),
        durationMs: Date.now() - state.startedMs,
        // CSV has no place for metadata in the file (see createCsvWriter): it travels here.
        ...(data.format === 'csv' && data.includeMetadata ? { metadata: exportMetadata(metadataOf(data, state.generatedAt), records) } : {}),
      },
      items: null,
    },
  };
}

export const dataExport: JobHandler<DataExportData, Checkpoint> = {
  type: 'data_export',
  dataSchema: DataExportData,
  async validate(data, { env, tenant }) {
    const plan = await plannedRecords(env, tenant, data);
    if ('field' in plan) return [plan];
    counted.set(data, plan.target);
    return [];
  },
  // Progress counts records: the matching records when the job was created (capped by the limit).
  totalItems: (data) => counted.get(data) ?? 0,
  estimateTime: (data) => {
    const records = counted.get(data) ?? 0;
    return 200 + Math.ceil(records / (data.format === 'xlsx' ? 20 : 50));
  },
  // A page of records (≤ 4 MiB of text, twice over as strings and bytes), one part in memory and
  // one in flight, and for XLSX the deflate window: flat whatever the record count.
  estimateMemory: (data) => (data.format === 'xlsx' ? 32 : 24) * MiB,
  execute,
  downloadKey(tenant, jobId, result) {
    const format = EXPORT_FORMATS.find((f) => f === result.summary.format);
    return format ? exportObjectKey(tenant, jobId, format) : null;
  },
  /** A cancelled or failed export leaves nothing: the multipart upload is aborted, a completed object deleted. */
  async discard(run) {
    const key = exportObjectKey(run.tenant, run.jobId, run.data.format);
    if (run.checkpoint) {
      // An upload already completed or aborted has nothing left to abort: that refusal is expected.
      await run.env.BLOBS.resumeMultipartUpload(key, run.checkpoint.uploadId)
        .abort()
        .catch(() => undefined);
    }
    await run.env.BLOBS.delete(key);
  },
};
