/**
 * `npm run bench:sentiment`: the analyzer's speed against the one it replaced, in the same run.
 * The previous analyzer is read from git (commit 774f5b5, wink-nlp only) into bench/out/ and
 * timed on the same UCI sentences, alternating rounds so machine load hits both alike; then both
 * with PII masking first, as the batch handler runs them. Single thread, warm, process CPU time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { analyzeSentiment } from '../src/analysis/sentiment.ts';
import { maskPii } from '../src/pii/detectors.ts';

const BASELINE_COMMIT = '774f5b5';
const out = new URL('./out/', import.meta.url);
mkdirSync(out, { recursive: true });
const source = execFileSync('git', ['show', `${BASELINE_COMMIT}:src/analysis/sentiment.ts`], { encoding: 'utf8' });
const baselineFile = new URL('sentiment-baseline.ts', out);
writeFileSync(baselineFile, source);
const baseline = (await import(baselineFile.href)) as { analyzeSentiment: (text: string) => unknown };

const texts = ['amazon', 'imdb', 'yelp'].flatMap((s) =>
  (JSON.parse(readFileSync(new URL(`../node_modules/sentiment/test/fixtures/${s}.json`, import.meta.url), 'utf8')) as Array<{ text: string }>)
    .map((r) => r.text)
    .filter((t) => t !== ''),
);

// CPU time of this process, not wall time: the machine is shared, and a descheduled round would
// otherwise count against whichever analyzer happened to be running.
function rate(fn: (t: string) => unknown): number {
  const start = process.cpuUsage();
  for (const t of texts) fn(t);
  const used = process.cpuUsage(start);
  return texts.length / ((used.user + used.system) / 1e6);
}
const variants: Record<string, (t: string) => unknown> = {
  'previous analyzer': (t) => baseline.analyzeSentiment(t),
  'this analyzer': (t) => analyzeSentiment(t),
  'previous + masking': (t) => baseline.analyzeSentiment(maskPii(t).text),
  'this + masking': (t) => analyzeSentiment(maskPii(t).text),
};
const results: Record<string, number[]> = {};
for (const [name, fn] of Object.entries(variants)) {
  rate(fn); // warm-up: model load and JIT
  results[name] = [];
}
const ROUNDS = 7;
for (let r = 0; r < ROUNDS; r += 1) for (const [name, fn] of Object.entries(variants)) results[name]?.push(rate(fn));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`${texts.length} UCI sentences × ${ROUNDS} alternating rounds, texts/s (median, range):`);
for (const [name, xs] of Object.entries(results)) {
  console.log(`  ${name.padEnd(20)} ${median(xs).toFixed(0).padStart(6)}  (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`);
}
const ratio = (a: string, b: string): string => (median(results[a] ?? []) / median(results[b] ?? [])).toFixed(2);
console.log(`ratio this/previous: analysis ${ratio('this analyzer', 'previous analyzer')}, with masking ${ratio('this + masking', 'previous + masking')}`);

// Bounded work per text: the inputs that were super-linear before normalisation, timed once each
// (CPU ms) for both analyzers where the previous one finishes in reasonable time.
const prose = 'The food was good but the service was slow and the waiter was rude to us. ';
const cases: Array<[string, string[], boolean]> = [
  ['10 × 10,000 "-"', Array.from({ length: 10 }, () => '-'.repeat(10_000)), true],
  ['10 × 10,000 "~"', Array.from({ length: 10 }, () => '~'.repeat(10_000)), true],
  ['10 × 5,000 emoji', Array.from({ length: 10 }, () => '😀'.repeat(5_000)), true],
  ['1 × 1 MiB "-"', ['-'.repeat(1024 * 1024)], false],
  ['1 × 1 MiB prose', [prose.repeat(Math.ceil((1024 * 1024) / prose.length)).slice(0, 1024 * 1024)], true],
  ['500 × 10,000-char prose (one batch part)', Array.from({ length: 500 }, (_, i) => `${i} ${prose.repeat(140)}`.slice(0, 10_000)), true],
];
const cpuMs = (fn: () => void): number => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
console.log('\nbounded work (CPU ms, one run each):');
for (const [name, inputs, withBaseline] of cases) {
  const ours = cpuMs(() => inputs.forEach((t) => analyzeSentiment(t)));
  const before = withBaseline ? cpuMs(() => inputs.forEach((t) => baseline.analyzeSentiment(t))) : NaN;
  console.log(`  ${name.padEnd(42)} this ${ours.toFixed(0).padStart(6)}  previous ${Number.isNaN(before) ? '(skipped: ~20 min)' : before.toFixed(0).padStart(6)}`);
}
