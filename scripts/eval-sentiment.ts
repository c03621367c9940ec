/**
 * Accuracy and throughput of src/analysis/sentiment.ts on the UCI "Sentiment Labelled Sentences"
 * (Kotzias et al. 2015) shipped as fixtures in the `sentiment` dev dependency.
 * See /work/shared/eval/README.md. Run: npm run eval:sentiment
 *
 * The data is binary (no neutral class), so a neutral verdict counts as wrong in "accuracy";
 * "polar accuracy" is measured on the sentences that got a positive/negative label.
 */
import { analyzeSentiment, SENTIMENT_THRESHOLDS } from '../src/analysis/sentiment.ts';
import type { SentimentLabel } from '../src/analysis/sentiment.ts';

interface Fixture {
  text: string;
  class: number | null;
}
interface Row {
  text: string;
  gold: 'positive' | 'negative';
}

// Read the files rather than `import … with { type: 'json' }`: Node requires that attribute for
// JSON modules but the project's tsconfig (module es2022) rejects it. The project has no
// @types/node, so declare the one Node API used here (process.getBuiltinModule, Node ≥ 22.3).
interface NodeFs {
  readFileSync(path: URL, encoding: 'utf8'): string;
}
const { process } = globalThis as unknown as { process: { getBuiltinModule(id: 'node:fs'): NodeFs } };
const { url: here } = import.meta as unknown as { url: string };
function load(source: string): Row[] {
  const file = new URL(`../node_modules/sentiment/test/fixtures/${source}.json`, here);
  const data = JSON.parse(process.getBuiltinModule('node:fs').readFileSync(file, 'utf8')) as Fixture[];
  // Each file ends with an empty record ({"text": "", "class": null}).
  return data
    .filter((r) => r.text !== '' && (r.class === 0 || r.class === 1))
    .map((r) => ({ text: r.text, gold: r.class === 1 ? 'positive' : 'negative' }));
}

const sources: ReadonlyArray<[string, Row[]]> = [
  ['amazon', load('amazon')],
  ['imdb', load('imdb')],
  ['yelp', load('yelp')],
];

type Confusion = Record<'positive' | 'negative', Record<SentimentLabel, number>>;
const emptyConfusion = (): Confusion => ({
  positive: { positive: 0, negative: 0, neutral: 0 },
  negative: { positive: 0, negative: 0, neutral: 0 },
});

const pct = (x: number): string => (x * 100).toFixed(1).padStart(5) + '%';

function report(name: string, c: Confusion): void {
  const total = c.positive.positive + c.positive.negative + c.positive.neutral +
    c.negative.positive + c.negative.negative + c.negative.neutral;
  const correct = c.positive.positive + c.negative.negative;
  const neutral = c.positive.neutral + c.negative.neutral;
  console.log(
    `${name.padEnd(8)} n=${String(total).padStart(4)}  accuracy ${pct(correct / total)}  ` +
      `neutral ${pct(neutral / total)}  polar accuracy ${pct(correct / (total - neutral))}  ` +
      `| gold+ → +${c.positive.positive} −${c.positive.negative} 0:${c.positive.neutral}` +
      `  gold− → +${c.negative.positive} −${c.negative.negative} 0:${c.negative.neutral}`,
  );
}

console.log(
  `thresholds: positive ≥ ${SENTIMENT_THRESHOLDS.positive}, negative ≤ ${SENTIMENT_THRESHOLDS.negative}\n`,
);

const overall = emptyConfusion();
const scored: Array<{ gold: Row['gold']; label: SentimentLabel; score: number; confidence: number }> = [];
for (const [name, rows] of sources) {
  const c = emptyConfusion();
  for (const row of rows) {
    const r = analyzeSentiment(row.text);
    c[row.gold][r.sentiment] += 1;
    overall[row.gold][r.sentiment] += 1;
    scored.push({ gold: row.gold, label: r.sentiment, score: r.score, confidence: r.confidence });
  }
  report(name, c);
}
report('overall', overall);

// How the cut-off trades coverage for precision (documentation for SENTIMENT_THRESHOLDS).
console.log('\nthreshold sweep (symmetric ±t on the same scores):');
for (const t of [0.001, 0.05, 0.1, 0.2]) {
  let correct = 0;
  let neutral = 0;
  for (const s of scored) {
    const label = s.score >= t ? 'positive' : s.score <= -t ? 'negative' : 'neutral';
    if (label === 'neutral') neutral += 1;
    else if (label === s.gold) correct += 1;
  }
  const n = scored.length;
  console.log(
    `  ±${String(t).padEnd(5)} accuracy ${pct(correct / n)}  neutral ${pct(neutral / n)}  ` +
      `polar accuracy ${pct(correct / (n - neutral))}`,
  );
}

// Confidence should mean something: polar accuracy should rise with it.
console.log('\npolar accuracy by confidence:');
const buckets: ReadonlyArray<[number, number]> = [[0.5, 0.6], [0.6, 0.7], [0.7, 0.8], [0.8, 0.9], [0.9, 1.01]];
for (const [lo, hi] of buckets) {
  const b = scored.filter((s) => s.label !== 'neutral' && s.confidence >= lo && s.confidence < hi);
  const ok = b.filter((s) => s.label === s.gold).length;
  console.log(`  [${lo.toFixed(1)}, ${Math.min(hi, 1).toFixed(1)}${hi > 1 ? ']' : ')'}  n=${String(b.length).padStart(4)}  ${b.length ? pct(ok / b.length) : '   -'}`);
}

// Throughput: single thread, after a warm-up pass (model load + JIT).
const texts = sources.flatMap(([, rows]) => rows.map((r) => r.text));
function throughput(includeKeywords: boolean): number {
  for (const t of texts) analyzeSentiment(t, { includeKeywords });
  const rounds = 3;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) for (const t of texts) analyzeSentiment(t, { includeKeywords });
  return (rounds * texts.length) / ((performance.now() - start) / 1000);
}
const avgChars = texts.reduce((a, t) => a + t.length, 0) / texts.length;
console.log(`\nthroughput (single thread, warm, avg ${avgChars.toFixed(0)} chars/text):`);
console.log(`  without keywords ${throughput(false).toFixed(0).padStart(6)} texts/s`);
console.log(`  with keywords    ${throughput(true).toFixed(0).padStart(6)} texts/s`);
