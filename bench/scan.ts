// Scan throughput on generated mixed text (prose, code, logs, CSV, base64) with planted secrets
// and PII.
//   node --experimental-strip-types bench/scan.ts [megabytes]
//     The scanner in plain Node (default 10 MiB): best of 3.
//   node --experimental-strip-types bench/scan.ts api [megabytes...]
//     End to end through its own `wrangler dev` (port 8797, fresh state; default 10 and 100 MiB):
//     upload, a full security_scan job (create → wait answered) and a quick one.
import { createScanner } from '../src/scan/scanner.ts';
import { startDevServer } from './dev-server.ts';
import { apiCall, runJob, uploadFile } from './files-api.ts';
import { mixedLines, random, take } from './generate.ts';

const MB = 1024 * 1024;
const [mode, ...sizeArgs] = process.argv.slice(2);

function generate(size: number): { data: Uint8Array<ArrayBuffer>; lines: number; plantedCount: number; expected: number } {
  const tally = { planted: 0, expected: 0 };
  const data = take(mixedLines(random(), tally), size, '\n');
  let lines = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) lines++;
  return { data, lines, plantedCount: tally.planted, expected: tally.expected };
}

function run(data: Uint8Array): { ms: number; total: number; counts: string } {
  const t0 = performance.now();
  const scanner = createScanner();
  const chunk = 64 * 1024;
  for (let o = 0; o < data.length; o += chunk) scanner.push(data.subarray(o, o + chunk), o);
  const r = scanner.finish();
  return { ms: performance.now() - t0, total: r.totalFindings, counts: r.counts.map((c) => `${c.type}=${c.count}`).join(' ') };
}

function inProcess(size: number): void {
  const { data, lines, plantedCount, expected } = generate(size);
  run(data); // warm-up
  const runs = [run(data), run(data), run(data)];
  const best = Math.min(...runs.map((r) => r.ms));
  const mb = data.length / MB;
  console.log(`input: ${mb.toFixed(1)} MiB, ${lines} lines, ${plantedCount} planted lines`);
  console.log(`findings: ${runs[0]?.total}, planted: ${expected} (${runs[0]?.counts})`);
  console.log(`best of 3: ${best.toFixed(0)} ms, ${(mb / (best / 1000)).toFixed(1)} MiB/s`);
}

async function endToEnd(sizes: number[]): Promise<void> {
  // Production slice settings; the admission limits do not matter for a handful of jobs.
  const server = await startDevServer(8797, {});
  try {
    const call = apiCall(server.url, server.key);
    for (const sizeMb of sizes) {
      const { data, expected } = generate(sizeMb * MB);
      const name = `bench/mixed-${sizeMb}mb.txt`;
      const t0 = performance.now();
      await uploadFile(call, data, name, 'text/plain');
      const uploadSeconds = (performance.now() - t0) / 1000;
      const timed = async (scanType: string) => {
        const t = performance.now();
        const job = await runJob(call, 'security_scan', { filePath: name, datasetId: crypto.randomUUID(), scanType });
        const result = (job.result ?? {}) as Record<string, unknown>;
        if (job.status !== 'completed') throw new Error(`${scanType} scan ended ${String(job.status)}`);
        return { seconds: (performance.now() - t) / 1000, findings: Number(result.totalFindings), bytes: Number(result.bytesScanned) };
      };
      const full = await timed('full');
      const quick = await timed('quick');
      const mib = data.length / MB;
      console.log(
        JSON.stringify({
          sizeMiB: Number(mib.toFixed(1)),
          uploadSeconds: Number(uploadSeconds.toFixed(2)),
          fullSeconds: Number(full.seconds.toFixed(2)),
          fullMiBPerSecond: Number((mib / full.seconds).toFixed(1)),
          fullFindings: full.findings,
          planted: expected,
          quickSeconds: Number(quick.seconds.toFixed(2)),
          quickBytes: quick.bytes,
          quickFindings: quick.findings,
        }),
      );
    }
  } finally {
    await server.stop();
  }
}

if (mode === 'api') await endToEnd(sizeArgs.length ? sizeArgs.map(Number) : [10, 100]);
else inProcess(Number(mode ?? 10) * MB);
