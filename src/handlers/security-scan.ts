import { z } from 'zod';
import { assessCompliance, complianceFrameworksSchema, indexFindings, type FindingIndices } from '../scan/compliance.ts';
import { QUICK_SCAN_BUDGET, quickScanPlan, type ByteRange } from '../scan/quick-scan.ts';
import { assessRisk } from '../scan/risk.ts';
import { createScanner, WINDOW } from '../scan/scanner.ts';
import type { Finding, ScannerSnapshot } from '../scan/types.ts';
import { fileKey } from '../storage/file-keys.ts';
import { resultPartKey, scanReportKey } from '../storage/job-blobs.ts';
import { writeScanReport } from './scan-report.ts';
import { checkFileExists, filePathField, measuredSize, READ_BLOCK, readBlocks, statFile } from './stored-file.ts';
import type { ExecuteOutcome, JobHandler, JobRun } from './types.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
/**
 * Slice edges: after every SCAN_UNIT bytes of the file (at multiples of it) the findings are
 * written and the scanner's snapshot is checkpointed. Larger than the scanner's window and
 * context, so each checkpoint is past the previous one's resume offset.
 */
export const SCAN_UNIT = 256 * KiB;
/** Result parts being written at once while the scan goes on. */
const MAX_PARTS_WRITING = 2;
/**
 * Findings per stored result part. A put costs ~3 ms of the isolate's time under `wrangler dev`
 * whatever its size (100 per part: 0.6 s of a 112 MiB job's 4.4 s); the partial part and those
 * being written travel in the checkpoint (≤ 1,500 findings, a few hundred KB once a second).
 */
export const PART_SIZE = 500;
/** Findings kept in detail (result items); counts, compliance and risk stay exact beyond it. */
export const MAX_DETAILED_FINDINGS = 10_000;
/** Triggering finding indices listed per compliance control; `count` stays exact. */
export const MAX_CONTROL_INDICES = 100;

export const SCAN_TYPES = ['quick', 'full'] as const;

// The dataset is only recorded in the result, so a scan needs none: scanning a file before (or
// instead of) loading it into a dataset is the point. Given, it labels the report.
export const SecurityScanData = z.strictObject({
  filePath: filePathField,
  datasetId: z.uuid({ error: 'datasetId must be a UUID' }).optional(),
  scanType: z.enum(SCAN_TYPES, { error: `scanType must be one of ${SCAN_TYPES.join(', ')}` }).default('full'),
  complianceFramework: complianceFrameworksSchema,
});
export type SecurityScanData = z.infer<typeof SecurityScanData>;

interface Checkpoint {
  size: number;
  /** The file as it was when the job started: a later slice of a replaced file fails. */
  etag: string;
  startedMs: number;
  scanner: ScannerSnapshot;
  /** The slice edge of the last checkpoint: a resumed slice re-reads up to it, then goes on. */
  edge: number;
  /** Findings stored in full result parts. */
  written: number;
  /** Findings of the next part, until it is full. */
  pending: Finding[];
  indices: FindingIndices;
}

function planOf(scanType: SecurityScanData['scanType'], size: number): ByteRange[] {
  if (size === 0) return [];
  return scanType === 'quick' ? quickScanPlan(size) : [{ start: 0, end: size }];
}

const planBytes = (ranges: readonly ByteRange[]): number => ranges.reduce((sum, r) => sum + r.end - r.start, 0);

async function start(run: JobRun<SecurityScanData, Checkpoint>): Promise<Checkpoint> {
  const { size, etag } = await statFile(run.env, fileKey(run.tenant, run.data.filePath));
  return {
    size,
    etag,
    startedMs: Date.now(),
    scanner: createScanner({ maxFindings: MAX_DETAILED_FINDINGS, fileSize: size }).snapshot(),
    edge: 0,
    written: 0,
    pending: [],
    indices: {},
  };
}

/**
 * Streams each planned byte range through the scanner. At each slice edge the new findings go
 * to result parts (the last, partial one in the checkpoint), then the scanner's snapshot is
 * committed; a retry or continuation resumes from it by re-reading at most a window, and finds
 * exactly what an uninterrupted scan would. Findings hold masked previews only.
 */
async function execute(run: JobRun<SecurityScanData, Checkpoint>): Promise<ExecuteOutcome> {
  const { env, tenant, data } = run;
  const state = run.checkpoint ?? (await start(run));
  const key = fileKey(tenant, data.filePath);
  const ranges = planOf(data.scanType, state.size);
  const scanner = createScanner({ maxFindings: MAX_DETAILED_FINDINGS, fileSize: state.size, resume: state.scanner });

  const putPart = (part: number, items: Finding[]) =>
    env.BLOBS.put(resultPartKey(tenant, run.jobId, part), JSON.stringify(items), { httpMetadata: { contentType: 'application/json' } });
  // Full parts are written while the scan goes on. The checkpoint counts a part as written only
  // once its put has finished; until then its findings stay in `pending`, and a resumed run
  // writes the same part again.
  const writing: Array<{ done: boolean; failed: unknown; put: Promise<unknown> }> = [];
  const settle = (): void => {
    while (writing[0]?.done) {
      writing.shift();
      state.written += PART_SIZE;
      state.pending = state.pending.slice(PART_SIZE);
    }
    const failed = writing.find((w) => w.failed !== undefined);
    if (failed) throw failed.failed;
  };
  const allWritten = async (): Promise<void> => {
    await Promise.all(writing.map((w) => w.put));
    settle();
  };
  const collect = async (batch: Finding[]): Promise<void> => {
    indexFindings(batch, data.complianceFramework, state.written + state.pending.length, state.indices, MAX_CONTROL_INDICES);
    state.pending.push(...batch);
    settle();
    while (state.pending.length >= (writing.length + 1) * PART_SIZE) {
      if (writing.length >= MAX_PARTS_WRITING) await writing[0]?.put;
      settle();
      const from = writing.length * PART_SIZE;
      const entry: (typeof writing)[number] = { done: false, failed: undefined, put: Promise.resolve() };
      entry.put = putPart(state.written / PART_SIZE + writing.length, state.pending.slice(from, from + PART_SIZE)).then(
        () => (entry.done = true),
        (error: unknown) => (entry.failed = error ?? new Error('part write failed')),
      );
      writing.push(entry);
    }
  };

  for (const range of ranges) {
    let at = Math.max(range.start, state.scanner.resumeOffset);
    if (at >= range.end) continue;
    for await (const block of readBlocks(env, key, state.etag, at, range.end, READ_BLOCK, run.pace)) {
      for (let bytes = block; bytes.length > 0; ) {
        const edge = (Math.floor(at / SCAN_UNIT) + 1) * SCAN_UNIT;
        // At most a window per push: the scanner runs its detectors on each as it fills.
        const n = Math.min(bytes.length, edge - at, WINDOW);
        await run.pace();
        scanner.push(bytes.subarray(0, n), at);
        bytes = bytes.subarray(n);
        at += n;
        // Edges up to the last checkpoint's were committed already; the file's end finishes.
        if (at < edge || edge <= state.edge || at >= state.size) continue;
        await collect(scanner.drainFindings());
        state.scanner = scanner.snapshot();
        state.edge = edge;
        const answer = await run.report({ processedItems: state.scanner.bytesScanned, failedItems: 0, checkpoint: state });
        if (answer !== 'continue') {
          // Nothing of this run is written after it stops (a cancelled job's parts are removed).
          await Promise.all(writing.map((w) => w.put));
          return { done: false };
        }
      }
    }
  }

  const scan = scanner.finish();
  await collect(scan.findings);
  await allWritten();
  const detailed = state.written + state.pending.length;
  if (state.pending.length > 0) await putPart(state.written / PART_SIZE, state.pending);
  const compliance = assessCompliance(scan, data.complianceFramework, state.indices);
  const summary = {
    datasetId: data.datasetId ?? null,
    filePath: data.filePath,
    scanType: data.scanType,
    sampled: scan.sampled,
    ...(data.scanType === 'quick' ? { sample: { budgetBytes: QUICK_SCAN_BUDGET, ranges } } : {}),
    binary: scan.binary,
    bytesScanned: scan.bytesScanned,
    fileSize: state.size,
    totalFindings: scan.totalFindings,
    detailedFindings: detailed,
    findingsTruncated: scan.findingsTruncated,
    countsByType: scan.counts,
    countsBySeverity: scan.countsBySeverity,
    compliance: Object.fromEntries(compliance.map(({ framework, ...rest }) => [framework, rest])),
    ...assessRisk(scan.counts),
    durationMs: Date.now() - state.startedMs,
  };
  const reportBytes = await writeScanReport(env.BLOBS, tenant, run.jobId, summary, Math.ceil(detailed / PART_SIZE));
  return {
    done: true,
    processedItems: scan.bytesScanned,
    failedItems: 0,
    result: {
      summary: { ...summary, downloadUrl: `/api/v1/jobs/${run.jobId}/download`, reportBytes },
      items: { total: detailed, partSize: PART_SIZE },
    },
  };
}

export const securityScan: JobHandler<SecurityScanData, Checkpoint> = {
  type: 'security_scan',
  dataSchema: SecurityScanData,
  validate: (data, { env, tenant }) => checkFileExists(env, tenant, data),
  // Progress counts bytes: processedItems is the bytes scanned, of the plan's total.
  totalItems: (data) => planBytes(planOf(data.scanType, measuredSize(data))),
  // npm run bench:data end to end under wrangler dev on a shared 2-core machine: 11–20 MiB/s.
  estimateTime: (data) => 200 + Math.ceil(planBytes(planOf(data.scanType, measuredSize(data))) / 10_000),
  // The scanner's window buffers, two read blocks and a few parts of findings, then at the end
  // the report's 5 MiB upload part: flat in file size and finding count.
  estimateMemory: () => 24 * MiB,
  execute,
  downloadKey: (tenant, jobId) => scanReportKey(tenant, jobId),
};
