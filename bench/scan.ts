// Scan throughput on generated mixed text (prose, code, logs, CSV, base64) with planted secrets
// and PII.
//   node --experimental-strip-types bench/scan.ts [megabytes] [--baseline <git-ref>] [--digits]
//     The scanner in plain Node (default 10 MiB): best of 3. With --baseline, the scanner of that
//     commit runs too, interleaved in the same process, and the findings of both are compared.
//     --digits scans the digit-heavy CSV of bench:data (generate.ts `digitLines`) instead.
//   node --experimental-strip-types bench/scan.ts api [megabytes...]
//     End to end through its own `wrangler dev` (port 8797, fresh state; default 10 and 100 MiB):
//     upload, a full security_scan job (create → wait answered) and a quick one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createScanner } from '../src/scan/scanner.ts';
import { startDevServer } from './dev-server.ts';
import { apiCall, runJob, uploadFile } from './files-api.ts';
import { digitLines, mixedLines, random, take } from './generate.ts';

const MB = 1024 * 1024;
const argv = process.argv.slice(2);
const baseAt = argv.indexOf('--baseline');
const baseRef = baseAt >= 0 ? argv[baseAt + 1] : undefined;
const digitHeavy = argv.includes('--digits');
const [mode, ...sizeArgs] = argv.filter((a, i) => a !== '--digits' && (baseAt < 0 || (i !== baseAt && i !== baseAt + 1)));
type Create = typeof createScanner;

function generate(size: number): { data: Uint8Array<ArrayBuffer>; lines: number; plantedCount: number; expected: number } {
  const tally = { planted: 0, expected: 0 };
  const data = digitHeavy ? take(digitLines(), size) : take(mixedLines(random(), tally), size, '\n');
  let lines = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) lines++;
  return { data, lines, plantedCount: tally.planted, expected: tally.expected };
}

function run(data: Uint8Array, create: Create = createScanner): { ms: number; cpuMs: number; total: number; counts: string; findings: string } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const scanner = create({ maxFindings: 100_000 });
  const chunk = 64 * 1024;
  for (let o = 0; o < data.length; o += chunk) scanner.push(data.subarray(o, o + chunk), o);
  const r = scanner.finish();
  const cpu = process.cpuUsage(c0);
  return {
    ms: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    total: r.totalFindings,
    counts: r.counts.map((c) => `${c.type}=${c.count}`).join(' '),
    findings: JSON.stringify(r.findings),
  };
}

/** The scanner of `ref`: its src/ extracted inside the checkout (so packages resolve), imported, removed. */
async function loadBaseline(ref: string): Promise<Create> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dir = mkdtempSync(resolve(root, '.scan-baseline-'));
  try {
    execFileSync('sh', ['-c', 'git archive "$0" src | tar -x -C "$1"', ref, dir], { cwd: root });
    const mod = (await import(pathToFileURL(resolve(dir, 'src/scan/scanner.ts')).href)) as { createScanner: Create };
    return mod.createScanner;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function inProcess(size: number): Promise<void> {
  const { data, lines, plantedCount, expected } = generate(size);
  const impls: Array<[string, Create]> = [['current', createScanner]];
  if (baseRef) impls.unshift([`baseline ${baseRef}`, await loadBaseline(baseRef)]);
  const mb = data.length / MB;
  const kind = digitHeavy ? 'digit-heavy CSV' : `${plantedCount} planted lines; planted findings: ${expected}`;
  console.log(`input: ${mb.toFixed(1)} MiB, ${lines} lines, ${kind}`);
  for (const [, create] of impls) run(data, create); // warm-up
  const runs = new Map(impls.map(([label]) => [label, [] as ReturnType<typeof run>[]]));
  for (let r = 0; r < 4; r++) for (const [label, create] of impls) runs.get(label)?.push(run(data, create));
  const medianCpu = (xs: ReturnType<typeof run>[]): number => {
    const sorted = xs.map((x) => x.cpuMs).sort((a, b) => a - b);
    return ((sorted[1] ?? 0) + (sorted[2] ?? 0)) / 2;
  };
  for (const [label, xs] of runs) {
    const best = Math.min(...xs.map((x) => x.ms));
    const cpu = medianCpu(xs);
    console.log(`${label}: findings ${xs[0]?.total} (${xs[0]?.counts})`);
    console.log(`${label}: best of 4 ${best.toFixed(0)} ms, ${(mb / (best / 1000)).toFixed(1)} MiB/s; median CPU ${cpu.toFixed(0)} ms, ${(mb / (cpu / 1000)).toFixed(1)} MiB/s`);
  }
  if (baseRef) {
    const [a, b] = [...runs.values()];
    console.log(`CPU ratio baseline/current (medians of 4 interleaved runs): ${(medianCpu(a ?? []) / medianCpu(b ?? [])).toFixed(2)}`);
    console.log(a?.[0]?.findings === b?.[0]?.findings ? 'findings identical to the baseline' : 'FINDINGS DIFFER from the baseline');
  }
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
else await inProcess(Number(mode ?? 10) * MB);
