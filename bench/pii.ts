// maskPii throughput (MB/s of UTF-16 text) on three corpora: review prose with sparse PII,
// digit-heavy CSV/log lines (ids, dates, amounts, versions, phones), and the Presidio set.
//   node --experimental-strip-types bench/pii.ts [--baseline <git-ref>] [megabytes]
// With --baseline the detectors of that commit are loaded from git and measured in the same
// process, interleaved with the current ones, so both see the same machine load.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { detectPii, maskPii } from '../src/pii/detectors.ts';
import { seeded } from '../test/support/seeded-random.ts';

type Mask = (text: string) => { text: string };

const args = process.argv.slice(2);
const baseIdx = args.indexOf('--baseline');
const baseRef = baseIdx >= 0 ? args[baseIdx + 1] : undefined;
const sizeArg = args.find((a, i) => /^\d+(\.\d+)?$/.test(a) && i !== baseIdx + 1);
const size = Math.round(Number(sizeArg ?? '2') * 1e6);
const here = dirname(fileURLToPath(import.meta.url));

// Deterministic corpora across runs.
const rand = seeded(7);
const int = (n: number): number => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
const digits = (n: number): string => Array.from({ length: n }, () => String(int(10))).join('');

const WORDS =
  'the delivery was late but support answered quickly and the product works great I would buy again not happy with the battery life screen is bright price fair shipping slow box damaged staff friendly'.split(
    ' ',
  );
const PII = [
  () => `email me at jane.doe${int(99)}@example.com`,
  () => `call me on (415) 555-${digits(4)}`,
  () => `card 4111 1111 1111 1111 was charged twice`,
  () => `my number is 07700 900${digits(3)}`,
];
function reviews(bytes: number): string {
  const lines: string[] = [];
  let n = 0;
  while (n < bytes) {
    const words = Array.from({ length: 12 + int(30) }, () => pick(WORDS)).join(' ');
    const line = rand() < 0.03 ? `${words}, ${pick(PII)()}.` : `${words}.`;
    lines.push(line);
    n += line.length + 1;
  }
  return lines.join('\n');
}

const DIGIT_FIELDS = [
  () => digits(6 + int(10)),
  () => `2025-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}T${digits(2)}:${digits(2)}:00Z`,
  () => `${int(9999)}.${digits(2)}`,
  () => `v${int(9)}.${int(30)}.${int(100)}`,
  () => `${digits(3)}-${digits(3)}-${digits(4)}`,
  () => `${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)}`,
  () => `10.${int(256)}.${int(256)}.${int(256)}`,
  () => `978-${int(10)}-${digits(3)}-${digits(5)}-${int(10)}`,
];
function digitHeavy(bytes: number): string {
  const lines: string[] = [];
  let n = 0;
  while (n < bytes) {
    const line = Array.from({ length: 6 }, () => pick(DIGIT_FIELDS)()).join(',');
    lines.push(line);
    n += line.length + 1;
  }
  return lines.join('\n');
}

function presidio(bytes: number): string {
  const path = resolve(here, '../../shared/eval/presidio-synth-v2.json');
  const alt = '/work/shared/eval/presidio-synth-v2.json';
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    raw = readFileSync(alt, 'utf8');
  }
  const corpus = (JSON.parse(raw) as { full_text: string }[]).map((i) => i.full_text).join('\n');
  return corpus.repeat(Math.max(1, Math.ceil(bytes / corpus.length))).slice(0, bytes);
}

async function loadBaseline(ref: string): Promise<Mask> {
  // Inside the checkout (so libphonenumber-js resolves) but outside node_modules (type stripping);
  // the whole folder, since the detectors import their neighbours.
  const dir = mkdtempSync(resolve(here, '..', '.pii-baseline-'));
  try {
    execFileSync('sh', ['-c', 'git archive "$0" src/pii | tar -x -C "$1"', ref, dir], { cwd: resolve(here, '..') });
    const mod = (await import(pathToFileURL(join(dir, 'src/pii/detectors.ts')).href)) as { maskPii: Mask };
    return mod.maskPii;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The machine may be shared: CPU time of this process is reported next to wall time, since
// it counts only the time the masking itself ran.
function measure(mask: Mask, text: string): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  mask(text);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const mb = text.length / 1e6;
  return { wall: mb / wall, cpu: mb / ((c.user + c.system) / 1e6) };
}

const corpora: [string, string][] = [
  ['reviews', reviews(size)],
  ['digit-heavy', digitHeavy(size)],
  ['presidio', presidio(size)],
];
const impls: [string, Mask][] = [['current', maskPii]];
if (baseRef) impls.unshift([`baseline ${baseRef}`, await loadBaseline(baseRef)]);

console.log(`maskPii throughput, ${(size / 1e6).toFixed(1)}M chars per corpus, 5 runs each (interleaved), Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const fmt = (xs: number[]): string => {
  xs.sort((a, b) => a - b);
  return `median ${(xs[2] ?? 0).toFixed(2).padStart(6)} MB/s (${(xs[0] ?? 0).toFixed(2)}–${(xs[4] ?? 0).toFixed(2)})`;
};
for (const [name, text] of corpora) {
  for (const [, mask] of impls) mask(text.slice(0, 200_000)); // warm-up
  const results = new Map<string, { wall: number; cpu: number }[]>(impls.map(([label]) => [label, []]));
  for (let r = 0; r < 5; r++) for (const [label, mask] of impls) results.get(label)?.push(measure(mask, text));
  for (const [label, xs] of results) {
    console.log(`${name.padEnd(12)} ${label.padEnd(24)} wall ${fmt(xs.map((x) => x.wall))}  cpu ${fmt(xs.map((x) => x.cpu))}`);
  }
}

// Linear time on pathological input: one unit repeated, as one text. detectPii's CPU per MB
// should stay flat from 1 to 4 MB (a ratio near 1; quadratic work would make it ~4).
const perMb = (text: string): number => {
  const c0 = process.cpuUsage();
  detectPii(text);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (text.length / 1e6);
};
console.log('detectPii on one repeated unit, CPU ms per MB at 1 MB and 4 MB (best of 3):');
for (const unit of ['0123456789', '1-', '1 ', '1.', '1:', '(1', '4111 ', '1.1.1.1 ', '123-45-', 'GB82 ']) {
  const best = (mb: number): number => {
    const text = unit.repeat(Math.ceil((mb * 1e6) / unit.length));
    return Math.min(perMb(text), perMb(text), perMb(text));
  };
  const [one, four] = [best(1), best(4)];
  console.log(`  ${JSON.stringify(unit).padEnd(12)} ${one.toFixed(1).padStart(7)} ${four.toFixed(1).padStart(7)}  ratio ${(four / one).toFixed(2)}`);
}
