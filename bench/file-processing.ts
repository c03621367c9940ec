/**
 * file_processing throughput and memory on generated CSV files (written to the OS temp dir, never
 * committed).
 *
 *   node --experimental-strip-types bench/file-processing.ts pure [parse|analyze] [sizes MB...]
 *     The splitter and record builder in plain Node: MB/s and peak RSS / heap.
 *   node --experimental-strip-types bench/file-processing.ts api [parse|analyze] [sizes MB...]
 *     Against `npm run dev` on http://127.0.0.1:8787 (key `local-dev-key`, or BENCH_URL and
 *     BENCH_KEY): uploads, runs a job, waits; MB/s end to end and the worker process's peak RSS.
 */
import * as fs from 'node:fs';
import { buildRecord, type Layout } from '../src/files/record-builder.ts';
import { RecordSplitter, type RawRecord } from '../src/files/record-splitter.ts';
import { apiCall, runJob, uploadFile } from './files-api.ts';
import { MB, reviewCsv } from './generate.ts';
import { sampler, workerdRss } from './stats.ts';

const [mode = 'pure', processingType = 'parse', ...sizeArgs] = process.argv.slice(2);
const sizes = sizeArgs.length ? sizeArgs.map(Number) : [10, 100];
const BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:8787';
const KEY = process.env.BENCH_KEY ?? 'local-dev-key';

/** A review CSV of about `sizeMb` MB (see generate.ts). */
const generate = (sizeMb: number): string => reviewCsv(sizeMb * MB);

/** Reads 64 KiB at a time, as R2 streams hand bytes over; memory is sampled between reads. */
function pure(path: string) {
  const bytes = fs.statSync(path).size;
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const started = performance.now();
  const splitter = new RecordSplitter('csv', 0, 1);
  const layout: Layout = { format: 'csv', header: null, textColumn: null, dateColumn: null, columns: [] };
  const context = { filePath: 'bench.csv', fileTag: 'bench', ingestedMs: Date.now(), analyze: processingType === 'analyze' };
  let parsed = 0;
  let failed = 0;
  const take = (records: RawRecord[]) => {
    for (const raw of records) {
      const built = buildRecord(layout, raw, context);
      if (built.ok === true) parsed++;
      else if (built.ok === false) failed++;
    }
  };
  const fd = fs.openSync(path, 'r');
  const buffer = new Uint8Array(64 * 1024);
  for (let n = 0, read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; n++) {
    take(splitter.push(buffer.subarray(0, read)));
    if (n % 16 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  fs.closeSync(fd);
  take(splitter.finish());
  const seconds = (performance.now() - started) / 1000;
  const mib = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  return {
    bytes,
    seconds,
    rows: parsed,
    failed,
    baselineRssMb: mib(baseline.rss),
    peakRssMb: mib(peakRss),
    baselineHeapMb: mib(baseline.heapUsed),
    peakHeapMb: mib(peakHeap),
  };
}

const call = apiCall(BASE, KEY);

async function api(path: string, sizeMb: number) {
  const name = `bench/reviews-${sizeMb}mb.csv`;
  const uploadStart = performance.now();
  await uploadFile(call, fs.readFileSync(path), name, 'text/csv');
  const uploadSeconds = (performance.now() - uploadStart) / 1000;
  const rss = sampler(workerdRss);
  const before = workerdRss();
  const started = performance.now();
  const done = await runJob(call, 'file_processing', { filePath: name, datasetId: crypto.randomUUID(), processingType });
  const status = String(done.status);
  const result = (done.result ?? {}) as Record<string, unknown>;
  const seconds = (performance.now() - started) / 1000;
  const bytes = fs.statSync(path).size;
  return { status, bytes, seconds, uploadSeconds, rows: result.rowsParsed, failed: result.rowsFailed, workerdRssBeforeMb: before / 2 ** 20, workerdPeakRssMb: rss.stop() / 2 ** 20 };
}

for (const size of sizes) {
  const path = generate(size);
  const r = mode === 'api' ? await api(path, size) : pure(path);
  const mbps = r.bytes / MB / r.seconds;
  console.log(JSON.stringify({ mode, processingType, sizeMb: size, ...r, seconds: Number(r.seconds.toFixed(2)), mbPerSecond: Number(mbps.toFixed(1)) }));
}
