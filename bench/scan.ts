// Scan throughput on 10 MB of generated mixed text (prose, code, logs, CSV, base64) with planted
// secrets and PII. Plain Node: `node --experimental-strip-types bench/scan.ts [megabytes]`.
import { createScanner } from '../src/scan/scanner.ts';

const MB = 1024 * 1024;
const size = Number(process.argv[2] ?? 10) * MB;

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
const data = new TextEncoder().encode(lines.join('\n'));

function run(): { ms: number; total: number; counts: string } {
  const t0 = performance.now();
  const scanner = createScanner();
  const chunk = 64 * 1024;
  for (let o = 0; o < data.length; o += chunk) scanner.push(data.subarray(o, o + chunk), o);
  const r = scanner.finish();
  return { ms: performance.now() - t0, total: r.totalFindings, counts: r.counts.map((c) => `${c.type}=${c.count}`).join(' ') };
}

run(); // warm-up
const runs = [run(), run(), run()];
const best = Math.min(...runs.map((r) => r.ms));
const mb = data.length / MB;
console.log(`input: ${mb.toFixed(1)} MiB, ${lines.length} lines, ${plantedCount} planted lines`);
console.log(`findings: ${runs[0]?.total}, planted: ${expected} (${runs[0]?.counts})`);
console.log(`best of 3: ${best.toFixed(0)} ms, ${(mb / (best / 1000)).toFixed(1)} MiB/s`);
