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

const MB = 1024 * 1024;
const [mode, ...sizeArgs] = process.argv.slice(2);

// mulberry32: deterministic, and unlike a plain LCG its consecutive draws are not correlated.
let seed = 42;
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const hex = (n: number): string => Array.from({ length: n }, () => pick('0123456789abcdef'.split(''))).join('');
const alnum = (n: number): string =>
  Array.from({ length: n }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split(''))).join('');

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua the report shows revenue growth over the quarter with 12 new customers'.split(' ');
const filler = [
  () => Array.from({ length: 12 }, () => pick(WORDS)).join(' ') + '.',
  () => `const ${pick(WORDS)}Count = items.filter((x) => x.id === "${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}").length;`,
  () => `2024-05-0${1 + Math.floor(rand() * 9)}T12:00:00Z INFO request ${hex(40)} took ${Math.floor(rand() * 900)}ms status=200`,
  () => `${Math.floor(rand() * 99999)},${pick(WORDS)},${pick(WORDS)},${(rand() * 1000).toFixed(2)},#${hex(6)}`,
  () => `  "${pick(WORDS)}": { "enabled": true, "retries": ${Math.floor(rand() * 9)}, "color": "#${hex(6)}" },`,
  () => `data:image/png;base64,${Array.from({ length: 8 }, () => alnum(60) + '+/').join('')}==`,
];
// [findings planted, line]
const planted: Array<[number, () => string]> = [
  [1, () => `aws_access_key_id = AKIA${alnum(16).toUpperCase().replace(/[018-9]/g, 'Q')}`],
  [1, () => `export GITHUB_TOKEN=ghp_${alnum(36)}`],
  [1, () => `Customer card 4111 1111 1111 1111 exp 12/27`],
  [2, () => `contact: ${pick(WORDS)}.${pick(WORDS)}@example.org, phone (415) 555-2671`],
  [1, () => `SSN on file: 123-45-6789`],
  [1, () => `DATABASE_URL=postgres://app:${alnum(16)}@db.internal:5432/prod`],
  [1, () => `client_secret: "${alnum(32)}"`],
];

function generate(size: number): { data: Uint8Array<ArrayBuffer>; lines: number; plantedCount: number; expected: number } {
  const lines: string[] = [];
  let bytes = 0;
  let plantedCount = 0;
  let expected = 0;
  while (bytes < size) {
    let line: string;
    if (rand() < 0.02) {
      const [n, make] = pick(planted);
      line = make();
      plantedCount++;
      expected += n;
    } else line = pick(filler)();
    lines.push(line);
    bytes += line.length + 1;
  }
  return { data: new TextEncoder().encode(lines.join('\n')), lines: lines.length, plantedCount, expected };
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
