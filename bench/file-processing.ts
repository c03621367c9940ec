/**
 * file_processing throughput and memory on generated CSV files (written to the OS temp dir, never
 * committed).
 *
 *   node --experimental-strip-types bench/file-processing.ts pure [parse|analyze] [sizes MB...]
 *     The splitter and record builder in plain Node: MB/s and peak RSS / heap, beside the floor
 *     (the same reads, decoded to text and nothing else). BENCH_FORMAT=json: the same reviews as
 *     one JSON array of objects.
 *   node --experimental-strip-types bench/file-processing.ts api [parse|analyze] [sizes MB...]
 *     Against `npm run dev` on http://127.0.0.1:8787 (key `local-dev-key`, or BENCH_URL and
 *     BENCH_KEY): uploads, runs a job, waits; MB/s end to end and the worker process's peak RSS.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { buildRecord, type Layout } from '../src/files/record-builder.ts';
import { splitterFor } from '../src/files/json-array-splitter.ts';
import type { RawRecord } from '../src/files/record-splitter.ts';
import { apiCall, runJob, uploadFile } from './files-api.ts';
import { sampler, workerdRss } from './stats.ts';

const tmp = tmpdir();

const MB = 1_000_000;
const [mode = 'pure', processingType = 'parse', ...sizeArgs] = process.argv.slice(2);
const sizes = sizeArgs.length ? sizeArgs.map(Number) : [10, 100];
const BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:8787';
const KEY = process.env.BENCH_KEY ?? 'local-dev-key';

const FORMAT = process.env.BENCH_FORMAT === 'json' ? 'json' : 'csv';

const WORDS = 'great terrible product quality love hate fast slow shipping box screen battery would buy again never'.split(' ');

/**
 * Reviews of varying length; one in ten with a comma, a quote and a newline (CSV: quoted over two
 * lines; JSON: escaped), as CSV or as a pretty-printed JSON array of objects.
 */
function generate(sizeMb: number): string {
  const path = `${tmp}/bench-reviews-${sizeMb}mb.${FORMAT}`;
  if (fs.existsSync(path) && fs.statSync(path).size >= sizeMb * MB) return path;
  fs.writeFileSync(path, FORMAT === 'json' ? '[\n' : 'id,review,date,rating\n');
  let written = 0;
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let block = '';
  for (let i = 1; written < sizeMb * MB; i++) {
    const words = Array.from({ length: 8 + Math.floor(rand() * 30) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const date = `2025-0${1 + (i % 9)}-1${i % 10}T12:00:00Z`;
    const line =
      FORMAT === 'json'
        ? `${i === 1 ? '' : ',\n'}  ${JSON.stringify({ id: i, review: i % 10 === 0 ? `${words}, said "someone"\nsecond line` : words, date, rating: 1 + (i % 5) })}`
        : `${i},${i % 10 === 0 ? `"${words}, said ""someone""\nsecond line"` : words},${date},${1 + (i % 5)}\n`;
    written += line.length; // ASCII
    block += line;
    if (block.length > MB) {
      fs.appendFileSync(path, block);
      block = '';
    }
  }
  fs.appendFileSync(path, FORMAT === 'json' ? `${block}\n]\n` : block);
  return path;
}

/** The floor: the same 64 KiB reads, decoded to text, no splitting or building. */
function floor(path: string): number {
  const started = performance.now();
  const decoder = new TextDecoder();
  const fd = fs.openSync(path, 'r');
  const buffer = new Uint8Array(64 * 1024);
  let chars = 0;
  for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) chars += decoder.decode(buffer.subarray(0, read), { stream: true }).length;
  fs.closeSync(fd);
  if (chars === 0) throw new Error('empty file');
  return (performance.now() - started) / 1000;
}

/** Reads 64 KiB at a time, as R2 streams hand bytes over; memory is sampled between reads. */
function pure(path: string) {
  const bytes = fs.statSync(path).size;
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const started = performance.now();
  const splitter = splitterFor(FORMAT, 0, 1);
  const layout: Layout = { format: FORMAT, header: null, textColumn: null, dateColumn: null, columns: [] };
  const context = { filePath: `bench.${FORMAT}`, fileTag: 'bench', ingestedMs: Date.now(), analyze: processingType === 'analyze' };
  let parsed = 0;
  let failed = 0;
  let start = 0;
  const take = (records: RawRecord[]) => {
    for (const raw of records) {
      const built = buildRecord(layout, raw, context, start);
      start = raw.end;
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
  const floorSeconds = floor(path);
  return {
    bytes,
    seconds,
    floorSeconds: Number(floorSeconds.toFixed(3)),
    overFloor: Number((seconds / floorSeconds).toFixed(1)),
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
  const name = `bench/reviews-${sizeMb}mb.${FORMAT}`;
  const uploadStart = performance.now();
  await uploadFile(call, fs.readFileSync(path), name, FORMAT === 'json' ? 'application/json' : 'text/csv');
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
  console.log(JSON.stringify({ mode, format: FORMAT, processingType, sizeMb: size, ...r, seconds: Number(r.seconds.toFixed(2)), mbPerSecond: Number(mbps.toFixed(1)) }));
}
