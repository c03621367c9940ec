/**
 * Time and memory of the export writers (plain Node). Each case runs in its own process with
 * V8's heap capped at 128 MB, like a Worker isolate: records are generated page by page (as the
 * dataset DO will page them), written, gathered into 5 MiB parts and dropped (as uploaded).
 * Run: node --experimental-strip-types bench/export.ts
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PartBuffer } from '../src/export/part-buffer.ts';
import { createExportWriter } from '../src/export/writer.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../src/export/writer-contract.ts';
import { FIELD_KEYS, generatedRecord } from '../test/support/export-records.ts';

const PAGE_SIZE = 500;
const SIZES = [1_000, 100_000];
const MB = 1024 * 1024;

interface Result {
  format: ExportFormat;
  records: number;
  bytes: number;
  parts: number;
  ms: number;
  peakHeapMb: number;
  /** heapUsed + arrayBuffers: byte chunks and parts live outside the V8 heap but count in an isolate. */
  peakTotalMb: number;
  peakRssMb: number;
}

function run(format: ExportFormat, records: number): Result {
  const writer = createExportWriter(format, {
    fieldKeys: FIELD_KEYS,
    metadata: { datasetId: 'bench', filters: {}, generatedAt: '2024-06-01T00:00:00.000Z' },
  });
  const parts = new PartBuffer();
  let bytes = 0;
  let partCount = 0;
  let peakHeap = 0;
  let peakTotal = 0;
  let peakRss = 0;
  const take = (chunks: Uint8Array[]) => {
    for (const part of parts.push(chunks)) {
      bytes += part.length;
      partCount++;
    }
    const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
    peakHeap = Math.max(peakHeap, heapUsed);
    peakTotal = Math.max(peakTotal, heapUsed + arrayBuffers);
    peakRss = Math.max(peakRss, rss);
  };
  const start = performance.now();
  for (let from = 0; from < records; from += PAGE_SIZE) {
    const page = Array.from({ length: Math.min(PAGE_SIZE, records - from) }, (_, j) => generatedRecord(from + j));
    take(writer.write(page));
  }
  take(writer.end());
  bytes += parts.finish().length;
  partCount++;
  const ms = performance.now() - start;
  return { format, records, bytes, parts: partCount, ms, peakHeapMb: peakHeap / MB, peakTotalMb: peakTotal / MB, peakRssMb: peakRss / MB };
}

const [, , format, records] = process.argv;
if (format !== undefined && records !== undefined) {
  // Child: one case, result as JSON on stdout.
  console.log(JSON.stringify(run(format as ExportFormat, Number(records))));
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`page ${PAGE_SIZE} records, heap capped at 128 MB, ${FIELD_KEYS.length} field columns`);
  console.log('format  records      MiB  parts        ms   rec/s   peak heap MB  +buffers MB  peak rss MB');
  for (const f of EXPORT_FORMATS) {
    for (const n of SIZES) {
      const child = spawnSync(
        process.execPath,
        ['--experimental-strip-types', '--no-warnings', '--max-old-space-size=128', self, f, String(n)],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`${f} ${n} failed: ${child.stderr}`);
      const r = JSON.parse(child.stdout) as Result;
      console.log(
        [
          r.format.padEnd(6),
          String(r.records).padStart(8),
          (r.bytes / MB).toFixed(1).padStart(8),
          String(r.parts).padStart(6),
          r.ms.toFixed(0).padStart(9),
          String(Math.round(r.records / (r.ms / 1000))).padStart(7),
          r.peakHeapMb.toFixed(1).padStart(14),
          r.peakTotalMb.toFixed(1).padStart(12),
          r.peakRssMb.toFixed(1).padStart(12),
        ].join(' '),
      );
    }
  }
}
