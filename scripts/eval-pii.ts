// Span-level precision/recall of the PII detectors on the presidio-research synthetic set, split
// into a development half (tune on it) and a held-out half by a fixed seed, plus the share of
// hard-negative sentences (eval/pii-hard-negatives.json: numbers that are not PII) that maskPii
// alters, plus maskPii throughput. Usage:
//   node --experimental-strip-types scripts/eval-pii.ts [path/to/presidio-synth-v2.json] [--misses]
// --misses lists the development half's misses and false positives and every altered negative.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PII_TYPES, detectPii, maskPii } from '../src/pii/detectors.ts';
import type { PiiType } from '../src/pii/detectors.ts';
import { seeded } from '../test/support/seeded-random.ts';

interface GoldSpan {
  entity_type: string;
  entity_value: string;
  start_position: number;
  end_position: number;
}
interface Item {
  full_text: string;
  spans: GoldSpan[];
}

const GOLD_TYPE: Readonly<Record<PiiType, string>> = {
  EMAIL: 'EMAIL_ADDRESS',
  PHONE: 'PHONE_NUMBER',
  CREDIT_CARD: 'CREDIT_CARD',
  SSN: 'US_SSN',
  IBAN: 'IBAN_CODE',
  IP_ADDRESS: 'IP_ADDRESS',
};
const SPLIT_SEED = 2024;

const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const here = dirname(fileURLToPath(import.meta.url));
const dataPath = resolve(args.find((a) => !a.startsWith('--')) ?? resolve(here, '../../shared/eval/presidio-synth-v2.json'));
const items = JSON.parse(readFileSync(dataPath, 'utf8')) as Item[];
const negatives = (
  JSON.parse(readFileSync(resolve(here, '../eval/pii-hard-negatives.json'), 'utf8')) as {
    sentences: { kind: string; text: string }[];
  }
).sentences;

// Fisher–Yates with mulberry32: the same halves on every run and machine.
function split(n: number, seed: number): { dev: number[]; heldOut: number[] } {
  const rand = seeded(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  const half = Math.ceil(n / 2);
  return { dev: idx.slice(0, half).sort((a, b) => a - b), heldOut: idx.slice(half).sort((a, b) => a - b) };
}

interface Row {
  gold: number;
  detected: number;
  tp: number;
  fp: number;
  goldHit: number;
}
const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 < b1 && b0 < a1;
const pct = (num: number, den: number): string => (den === 0 ? '   n/a' : ((100 * num) / den).toFixed(1).padStart(6));

function evaluate(subset: Item[], name: string, listMisses: boolean): void {
  const rows = new Map<PiiType, Row>(PII_TYPES.map((t) => [t, { gold: 0, detected: 0, tp: 0, fp: 0, goldHit: 0 }]));
  const misses: string[] = [];
  const falsePositives: string[] = [];
  for (const item of subset) {
    const found = detectPii(item.full_text);
    for (const type of PII_TYPES) {
      const row = rows.get(type);
      if (!row) continue;
      const gold = item.spans.filter((s) => s.entity_type === GOLD_TYPE[type]);
      const det = found.filter((m) => m.type === type);
      row.gold += gold.length;
      row.detected += det.length;
      for (const m of det) {
        if (gold.some((g) => overlaps(m.start, m.end, g.start_position, g.end_position))) row.tp++;
        else {
          row.fp++;
          const other = item.spans.find((g) => overlaps(m.start, m.end, g.start_position, g.end_position));
          falsePositives.push(`${type}\t${JSON.stringify(item.full_text.slice(m.start, m.end))}\tgold=${other?.entity_type ?? '-'}`);
        }
      }
      for (const g of gold) {
        if (det.some((m) => overlaps(m.start, m.end, g.start_position, g.end_position))) row.goldHit++;
        else misses.push(`${type}\t${JSON.stringify(g.entity_value)}`);
      }
    }
  }
  console.log(`\n${name} (${subset.length} texts)`);
  console.log('type          gold  detected    TP    FP  precision  recall');
  const total: Row = { gold: 0, detected: 0, tp: 0, fp: 0, goldHit: 0 };
  for (const [type, r] of rows) {
    console.log(
      `${type.padEnd(12)} ${String(r.gold).padStart(5)} ${String(r.detected).padStart(9)} ${String(r.tp).padStart(5)} ${String(r.fp).padStart(5)}     ${pct(r.tp, r.detected)}%  ${pct(r.goldHit, r.gold)}%`,
    );
    total.gold += r.gold;
    total.detected += r.detected;
    total.tp += r.tp;
    total.fp += r.fp;
    total.goldHit += r.goldHit;
  }
  console.log(
    `${'micro-avg'.padEnd(12)} ${String(total.gold).padStart(5)} ${String(total.detected).padStart(9)} ${String(total.tp).padStart(5)} ${String(total.fp).padStart(5)}     ${pct(total.tp, total.detected)}%  ${pct(total.goldHit, total.gold)}%`,
  );
  if (listMisses) {
    console.log(`\nmissed gold spans (${misses.length}):\n${misses.join('\n')}`);
    console.log(`\nfalse positives (${falsePositives.length}):\n${falsePositives.join('\n')}`);
  }
}

console.log(`dataset: ${dataPath} (${items.length} texts), split seed ${SPLIT_SEED}`);
const { dev, heldOut } = split(items.length, SPLIT_SEED);
const pickItems = (idx: number[]): Item[] => idx.map((i) => items[i] as Item);
evaluate(pickItems(dev), 'development half', showMisses);
evaluate(pickItems(heldOut), 'held-out half', false);
evaluate(items, 'all', false);

// Hard negatives: a sentence counts as altered when masking changes any character of it.
const byKind = new Map<string, { n: number; altered: number }>();
const altered: string[] = [];
for (const { kind, text } of negatives) {
  const k = byKind.get(kind) ?? { n: 0, altered: 0 };
  k.n++;
  const r = maskPii(text);
  if (r.text !== text) {
    k.altered++;
    altered.push(`${kind}\t${r.piiTypes.join(',')}\t${JSON.stringify(text)}`);
  }
  byKind.set(kind, k);
}
console.log(`\nhard negatives (eval/pii-hard-negatives.json, ${negatives.length} sentences): ${pct(altered.length, negatives.length).trim()} % altered`);
console.log([...byKind].map(([kind, k]) => `  ${kind} ${k.altered}/${k.n}`).join('\n'));
if (showMisses && altered.length > 0) console.log(`\naltered negatives:\n${altered.join('\n')}`);

// Throughput on realistic mixed text: the whole corpus joined, repeated to ~1 MB.
const corpus = items.map((i) => i.full_text).join('\n');
const big = corpus.repeat(Math.max(1, Math.ceil(1_000_000 / corpus.length)));
maskPii(big); // warm-up (JIT, libphonenumber metadata)
const runs = 5;
const t0 = performance.now();
for (let r = 0; r < runs; r++) maskPii(big);
const secs = (performance.now() - t0) / 1000;
const mb = (big.length * runs) / 1e6;
console.log(`\nmaskPii throughput: ${(mb / secs).toFixed(2)} MB/s (${(big.length / 1e6).toFixed(2)}M chars x ${runs} runs, ${secs.toFixed(2)} s)`);
