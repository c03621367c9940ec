import { z } from 'zod';
import type { SentimentLabel } from '../analysis/sentiment.ts';
import { attachDataset, type DatasetStore } from '../durable/dataset-store.ts';
import { BATCH_RECORDS, RowBatchBuilder, SEGMENT_MAX_CHARS } from '../durable/dataset-schema.ts';

export { BATCH_RECORDS };
import { buildRecord, type BuildContext, type Layout } from '../files/record-builder.ts';
import { splitterFor } from '../files/json-array-splitter.ts';
import { detectFormat, type RawRecord } from '../files/record-splitter.ts';
import { fileKey } from '../storage/file-keys.ts';
import { checkFileExists, filePathField, measuredSize, READ_BLOCK, readBlocks } from './stored-file.ts';
import { JobFailure, type ExecuteOutcome, type JobHandler, type JobRun } from './types.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
export const MIN_CHUNK_SIZE = 64 * KiB;
export const MAX_CHUNK_SIZE = 256 * MiB;
/** The seed's default (256 MB): memory stays flat whatever the chunk, since each is streamed. */
export const DEFAULT_CHUNK_SIZE = 256 * MiB;
/** A slice writes and checkpoints after BATCH_RECORDS records, or this many bytes, whichever comes first. */
export const BATCH_BYTES = 1 * MiB;
/** Batches written at once (each ≤ 2,000 records and ~1 MiB in memory until it is stored). */
export const MAX_BATCHES_IN_FLIGHT = 3;
/** Malformed rows are counted; the first ones are reported with their line numbers. */
export const MAX_REPORTED_ERRORS = 50;
const SNIFF_BYTES = 64 * KiB;
/** Bytes given to the splitter at a time (a few milliseconds of splitting). */
export const SPLIT_STEP = 64 * KiB;

export const FileProcessingData = z.strictObject({
  filePath: filePathField,
  datasetId: z.uuid({ error: 'datasetId must be a UUID' }),
  processingType: z.enum(['parse', 'analyze']).default('parse'),
  chunkSize: z
    .number()
    .int()
    .min(MIN_CHUNK_SIZE, `chunkSize must be at least ${MIN_CHUNK_SIZE} bytes (64 KiB)`)
    .max(MAX_CHUNK_SIZE, `chunkSize must be at most ${MAX_CHUNK_SIZE} bytes (256 MiB)`)
    .default(DEFAULT_CHUNK_SIZE),
});
export type FileProcessingData = z.infer<typeof FileProcessingData>;

interface Checkpoint {
  /** Byte offset where the next unread record starts: every record before it is stored. */
  offset: number;
  /** Line number at `offset`. */
  line: number;
  /** The rest of the parser's carry-over: format, header, text and date columns. */
  layout: Layout;
  size: number;
  /** The file as it was when the job started: a later slice of a replaced file fails. */
  etag: string;
  fileTag: string;
  ingestedMs: number;
  startedMs: number;
  parsed: number;
  failed: number;
  errors: { line: number; message: string }[];
  distribution: Record<SentimentLabel, number>;
  scoreSum: number;
}

async function start(run: JobRun<FileProcessingData, Checkpoint>): Promise<Checkpoint> {
  const { env, tenant, data } = run;
  const key = fileKey(tenant, data.filePath);
  const sample = await env.BLOBS.get(key, { range: { offset: 0, length: SNIFF_BYTES } });
  if (!sample) throw new JobFailure('FILE_NOT_FOUND', 'The file no longer exists', false, 'loading');
  const format = detectFormat(data.filePath, new Uint8Array(await sample.arrayBuffer()));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(data.filePath));
  const fileTag = [...new Uint8Array(digest).subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const now = Date.now();
  return {
    offset: 0,
    line: 1,
    layout: {
      format,
      header: null,
      textColumn: format === 'text' ? 'text' : null,
      dateColumn: null,
      columns: [],
    },
    size: sample.size,
    etag: sample.etag,
    fileTag,
    ingestedMs: now,
    startedMs: now,
    parsed: 0,
    failed: 0,
    errors: [],
    distribution: { positive: 0, negative: 0, neutral: 0 },
    scoreSum: 0,
  };
}

function summarize(state: Checkpoint, data: FileProcessingData) {
  const { layout } = state;
  return {
    datasetId: data.datasetId,
    filePath: data.filePath,
    processingType: data.processingType,
    format: layout.format,
    columns: layout.columns,
    textColumn: layout.textColumn,
    dateColumn: layout.dateColumn,
    rowsParsed: state.parsed,
    rowsFailed: state.failed,
    errors: state.errors,
    errorsTruncated: state.failed > state.errors.length,
    bytes: state.size,
    durationMs: Date.now() - state.startedMs,
    ...(data.processingType === 'analyze'
      ? {
          sentimentDistribution: state.distribution,
          averageScore: state.parsed === 0 ? 0 : Math.round((state.scoreSum / state.parsed) * 1000) / 1000,
        }
      : {}),
  };
}

/**
 * Reads the file in ranged blocks of `chunkSize`, or `READ_BLOCK` when that is smaller, so memory
 * stays flat (a 1 GiB parse reading 256 MiB ranges as streams peaked near 1 GiB under wrangler
 * dev). A record that straddles a block edge stays in the splitter and completes with the next.
 * Records are written in batches; once one is stored, the checkpoint moves to the end of its last
 * record, so a resumed slice re-reads from a record boundary and rewrites nothing twice (records
 * are keyed by file + key, see `RecordInput.sourceKey`, and the store replaces what a key held).
 */
async function execute(run: JobRun<FileProcessingData, Checkpoint>): Promise<ExecuteOutcome> {
  const { env, tenant, data } = run;
  const state = run.checkpoint ?? (await start(run));
  const key = fileKey(tenant, data.filePath);
  const store: DurableObjectStub<DatasetStore> = await attachDataset(env, tenant, data.datasetId, run.jobId, {
    file: data.filePath,
    format: state.layout.format,
  });
  const context: BuildContext = {
    filePath: data.filePath,
    fileTag: state.fileTag,
    ingestedMs: state.ingestedMs,
    analyze: data.processingType === 'analyze',
  };
  const splitter = splitterFor(state.layout.format, state.offset, state.line);
  const batch = new RowBatchBuilder(data.filePath);
  let batchStart = state.offset;

  const take = (raw: RawRecord): void => {
    // The record begins where the one before it ended.
    const built = buildRecord(state.layout, raw, context, state.offset);
    state.offset = raw.end;
    state.line = raw.nextLine;
    if (built.ok === 'skip') return;
    if (built.ok) {
      batch.add(built.record);
      state.parsed += 1;
      const { sentiment, score } = built.record;
      if (sentiment !== null && score !== null) {
        state.distribution[sentiment] += 1;
        state.scoreSum += score;
      }
      return;
    }
    state.failed += 1;
    if (state.errors.length < MAX_REPORTED_ERRORS) state.errors.push({ line: raw.line, message: built.message });
  };

  // Batches in flight while the next is parsed: a write's commit waits on the disk, not the
  // thread (bench:data --trace on: with one in flight, 43% of a parse's wall time idle). A
  // checkpoint is reported only once its batch and every one before it are stored.
  const inFlight: { stored: Promise<void>; checkpoint: Checkpoint }[] = [];
  const send = (): Promise<void> => {
    const stored = store.appendRows(tenant, run.jobId, [batch.take()], state.layout.columns).then((written) => {
      if (!written.ok) throw new JobFailure('DATASET_UNAVAILABLE', 'The dataset refused the write', false);
    });
    // Awaited by `settle`; a slice that fails first leaves it, and its rejection, unobserved.
    stored.catch(() => undefined);
    inFlight.push({ stored, checkpoint: structuredClone(state) });
    batchStart = state.offset;
    return stored;
  };
  /** Waits for the oldest batches until `keep` are in flight, reporting each checkpoint: whether the slice goes on. */
  const settle = async (keep: number): Promise<boolean> => {
    while (inFlight.length > keep) {
      const { stored, checkpoint } = inFlight.shift() as (typeof inFlight)[number];
      await stored;
      if ((await run.report({ processedItems: checkpoint.offset, failedItems: checkpoint.failed, checkpoint })) !== 'continue') return false;
    }
    return true;
  };

  /** Sends the batch once fewer than MAX_BATCHES_IN_FLIGHT are; false when the slice stops there. */
  const flush = async (): Promise<boolean> => {
    // Records parsed past the stored checkpoint are parsed again by the next slice.
    if (!(await settle(MAX_BATCHES_IN_FLIGHT - 1))) return false;
    void send();
    return true;
  };

  for await (const block of readBlocks(env, key, state.etag, state.offset, state.size, Math.min(data.chunkSize, READ_BLOCK), run.pace)) {
    // The splitter splits what it is given in one run: a whole 4 MiB block held the thread for
    // 40–400 ms (workerd's async trace, bench:data's load part).
    for (let at = 0; at < block.length; at += SPLIT_STEP) {
      for (const raw of splitter.push(block.subarray(at, at + SPLIT_STEP))) {
        await run.pace();
        // A batch is one stored segment: it is sent before a record that could take it past
        // SEGMENT_MAX_CHARS (a record's JSON is at most about twice its bytes, escapes aside).
        if (batch.count > 0 && batch.size + 2 * (raw.end - state.offset) > SEGMENT_MAX_CHARS && !(await flush())) return { done: false };
        take(raw);
        if (batch.count < BATCH_RECORDS && state.offset - batchStart < BATCH_BYTES && batch.size < SEGMENT_MAX_CHARS) continue;
        if (!(await flush())) return { done: false };
      }
      await run.pace();
    }
  }
  for (const raw of splitter.finish()) take(raw);
  if (!(await settle(0))) return { done: false };
  if (batch.count > 0) await send();
  await store.detach(tenant, run.jobId);
  return {
    done: true,
    processedItems: state.size,
    failedItems: state.failed,
    result: { summary: summarize(state, data), items: null },
  };
}

export const fileProcessing: JobHandler<FileProcessingData, Checkpoint> = {
  type: 'file_processing',
  dataSchema: FileProcessingData,
  validate: (data, { env, tenant }) => checkFileExists(env, tenant, data),
  // Progress counts bytes for this job type: processedItems is the offset reached.
  totalItems: (data) => measuredSize(data),
  // bench:data under wrangler dev on a loaded 2-core machine: parse 4–11 MB/s end to end (bound by
  // the dataset writes), analyze ~1.4 MB/s (8,000 rows/s, bound by scoring). See the README.
  estimateTime: (data) => {
    const bytes = measuredSize(data);
    return 200 + Math.ceil(bytes / (data.processingType === 'analyze' ? 1_000 : 4_000));
  },
  // The model, a batch of records and the stream's buffers; independent of file and chunk size.
  estimateMemory: () => 16 * MiB,
  execute,
};
