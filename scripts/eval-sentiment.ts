/**
 * Accuracy, calibration and throughput of src/analysis/sentiment.ts. Run: npm run eval:sentiment
 * (add `--dev` to print only the development half: that is the only half rules are tuned on).
 *
 * Data:
 * - UCI "Sentiment Labelled Sentences" (Kotzias et al. 2015; 3,000 Amazon/IMDB/Yelp sentences,
 *   binary), shipped as test fixtures in the `sentiment@5.0.2` dev dependency (MIT). Each source
 *   is shuffled with a fixed seed and split in half: development / held-out.
 *   "accuracy" is three-class (a neutral verdict is wrong), "polar" counts only polar verdicts.
 * - test/data/sentiment-customer-en.json: our three-class support-ticket/review set.
 * - test/data/sentiment-<lang>.json: the per-language sets.
 * - test/data/sentiment-check-*.json, sentiment-fresh-*.json: generalisation checks, never tuned on.
 */
import { analyzeSentiment, SENTIMENT_THRESHOLDS } from '../src/analysis/sentiment.ts';
import type { SentimentLabel } from '../src/analysis/sentiment.ts';
import { splitHalves } from '../test/support/sentiment-split.ts';

interface Row {
  text: string;
  gold: SentimentLabel;
  language?: string;
}

// Read the files rather than `import … with { type: 'json' }`: Node requires that attribute for
// JSON modules but the project's tsconfig (module es2022) rejects it.
interface NodeFs {
  readFileSync(path: URL, encoding: 'utf8'): string;
  readdirSync(path: URL): string[];
}
const { process } = globalThis as unknown as { process: { argv: string[]; getBuiltinModule(id: 'node:fs'): NodeFs } };
const fs = process.getBuiltinModule('node:fs');
const { url: here } = import.meta as unknown as { url: string };
const devOnly = process.argv.includes('--dev');

function loadUci(source: string): Row[] {
  const file = new URL(`../node_modules/sentiment/test/fixtures/${source}.json`, here);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<{ text: string; class: number | null }>;
  // Each file ends with an empty record ({"text": "", "class": null}).
  return data
    .filter((r) => r.text !== '' && (r.class === 0 || r.class === 1))
    .map((r) => ({ text: r.text, gold: r.class === 1 ? 'positive' : 'negative' }));
}
function loadSet(name: string): Row[] {
  const file = new URL(`../test/data/${name}`, here);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { items: Row[] }).items;
}

const pct = (x: number): string => (Number.isFinite(x) ? (x * 100).toFixed(1) : '  -').padStart(5) + '%';

interface Scored {
  gold: SentimentLabel;
  label: SentimentLabel;
  score: number;
  confidence: number;
}
function run(rows: readonly Row[]): Scored[] {
  return rows.map((row) => {
    const r = analyzeSentiment(row.text, row.language ? { language: row.language } : undefined);
    return { gold: row.gold, label: r.sentiment, score: r.score, confidence: r.confidence };
  });
}
function report(name: string, scored: readonly Scored[]): void {
  const n = scored.length;
  const correct = scored.filter((s) => s.label === s.gold).length;
  const polarGold = scored.filter((s) => s.gold !== 'neutral');
  const polarBoth = polarGold.filter((s) => s.label !== 'neutral');
  const neutral = scored.filter((s) => s.label === 'neutral').length;
  console.log(
    `${name.padEnd(22)} n=${String(n).padStart(4)}  accuracy ${pct(correct / n)}  ` +
      `polar ${pct(polarBoth.filter((s) => s.label === s.gold).length / polarBoth.length)}  ` +
      `neutral verdicts ${pct(neutral / n)}`,
  );
}
/** Accuracy by confidence decile (equal-count bins, lowest confidence first). */
function deciles(scored: readonly Scored[]): void {
  const sorted = [...scored].sort((a, b) => a.confidence - b.confidence);
  const line: string[] = [];
  for (let d = 0; d < 10; d += 1) {
    const bin = sorted.slice(Math.floor((d * sorted.length) / 10), Math.floor(((d + 1) * sorted.length) / 10));
    const mean = bin.reduce((a, s) => a + s.confidence, 0) / bin.length;
    const acc = bin.filter((s) => s.label === s.gold).length / bin.length;
    line.push(`  decile ${d + 1}: mean confidence ${mean.toFixed(3)}  accuracy ${pct(acc)}`);
  }
  console.log(line.join('\n'));
}

console.log(`thresholds: positive ≥ ${SENTIMENT_THRESHOLDS.positive}, negative ≤ ${SENTIMENT_THRESHOLDS.negative}\n`);
const halves = { dev: [] as Scored[], heldout: [] as Scored[] };
const uciTexts: string[] = [];
for (const source of ['amazon', 'imdb', 'yelp']) {
  const rows = loadUci(source);
  uciTexts.push(...rows.map((r) => r.text));
  const { dev, heldout } = splitHalves(rows);
  const d = run(dev);
  halves.dev.push(...d);
  report(`uci ${source} dev`, d);
  if (!devOnly) {
    const h = run(heldout);
    halves.heldout.push(...h);
    report(`uci ${source} held-out`, h);
  }
}
report('uci dev', halves.dev);
if (!devOnly) report('uci held-out', halves.heldout);

console.log('\nthreshold sweep on the development half (symmetric ±t on the same scores):');
for (const t of [0.001, 0.05, 0.1, 0.2]) {
  const n = halves.dev.length;
  const relabelled = halves.dev.map((s) => ({ ...s, label: (s.score >= t ? 'positive' : s.score <= -t ? 'negative' : 'neutral') as SentimentLabel }));
  const correct = relabelled.filter((s) => s.label === s.gold).length;
  const polar = relabelled.filter((s) => s.label !== 'neutral');
  console.log(`  ±${String(t).padEnd(5)} accuracy ${pct(correct / n)}  polar ${pct(polar.filter((s) => s.label === s.gold).length / polar.length)}  neutral ${pct((n - polar.length) / n)}`);
}

console.log(`\naccuracy by confidence decile, UCI ${devOnly ? 'development' : 'held-out'} half:`);
deciles(devOnly ? halves.dev : halves.heldout);

if (!devOnly) {
  console.log('');
  const files = fs.readdirSync(new URL('../test/data/', here)).filter((f) => /^sentiment-.*\.json$/.test(f)).sort();
  const own: Scored[] = [];
  for (const file of files) {
    const scored = run(loadSet(file));
    report(file.replace(/^sentiment-|\.json$/g, ''), scored);
    if (file === 'sentiment-customer-en.json') own.push(...scored);
  }
  console.log('\naccuracy by confidence decile, customer-en:');
  deciles(own);
}

const avgChars = uciTexts.reduce((a, t) => a + t.length, 0) / uciTexts.length;
function throughput(includeKeywords: boolean): number {
  for (const t of uciTexts) analyzeSentiment(t, { includeKeywords });
  const rounds = 3;
  const start = performance.now();
  for (let i = 0; i < rounds; i += 1) for (const t of uciTexts) analyzeSentiment(t, { includeKeywords });
  return (rounds * uciTexts.length) / ((performance.now() - start) / 1000);
}
console.log(`\nthroughput (single thread, warm, UCI texts, avg ${avgChars.toFixed(0)} chars; bench/sentiment.ts compares with the previous analyzer):`);
console.log(`  without keywords ${throughput(false).toFixed(0).padStart(6)} texts/s`);
console.log(`  with keywords    ${throughput(true).toFixed(0).padStart(6)} texts/s`);
