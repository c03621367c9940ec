// Generated inputs the benchmarks share: review CSVs for file_processing and mixed text with
// planted secrets and PII for security_scan. Deterministic; big files are written to the OS
// temp dir in blocks (never held whole) and reused while their size fits.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { seeded } from '../test/support/seeded-random.ts';

export const MB = 1_000_000;
export const MiB = 1024 * 1024;

/** The benchmarks' default stream (seed 42). */
export function random(seed = 42): () => number {
  return seeded(seed);
}

const REVIEW_WORDS = 'great terrible product quality love hate fast slow shipping box screen battery would buy again never'.split(' ');

/** Review CSV lines (header first); one in ten quoted with a comma, an escaped quote and a newline. */
export function* reviewLines(rand = random()): Generator<string> {
  yield 'id,review,date,rating\n';
  for (let i = 1; ; i++) {
    const words = Array.from({ length: 8 + Math.floor(rand() * 30) }, () => REVIEW_WORDS[Math.floor(rand() * REVIEW_WORDS.length)]).join(' ');
    const review = i % 10 === 0 ? `"${words}, said ""someone""\nsecond line"` : words;
    yield `${i},${review},2025-0${1 + (i % 9)}-1${i % 10}T12:00:00Z,${1 + (i % 5)}\n`;
  }
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const HEX = '0123456789abcdef'.split('');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('');
const run = (rand: () => number, chars: readonly string[], n: number): string => Array.from({ length: n }, () => pick(rand, chars)).join('');

const MIXED_WORDS =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua the report shows revenue growth over the quarter with 12 new customers'.split(
    ' ',
  );

/** Filler lines: prose, code, logs, CSV rows, JSON, base64. */
const filler: ReadonlyArray<(rand: () => number) => string> = [
  (r) => Array.from({ length: 12 }, () => pick(r, MIXED_WORDS)).join(' ') + '.',
  (r) => `const ${pick(r, MIXED_WORDS)}Count = items.filter((x) => x.id === "${run(r, HEX, 8)}-${run(r, HEX, 4)}-${run(r, HEX, 4)}-${run(r, HEX, 4)}-${run(r, HEX, 12)}").length;`,
  (r) => `2024-05-0${1 + Math.floor(r() * 9)}T12:00:00Z INFO request ${run(r, HEX, 40)} took ${Math.floor(r() * 900)}ms status=200`,
  (r) => `${Math.floor(r() * 99999)},${pick(r, MIXED_WORDS)},${pick(r, MIXED_WORDS)},${(r() * 1000).toFixed(2)},#${run(r, HEX, 6)}`,
  (r) => `  "${pick(r, MIXED_WORDS)}": { "enabled": true, "retries": ${Math.floor(r() * 9)}, "color": "#${run(r, HEX, 6)}" },`,
  (r) => `data:image/png;base64,${Array.from({ length: 8 }, () => run(r, ALNUM, 60) + '+/').join('')}==`,
];

/** Planted lines: [findings each one holds, line]. */
const planted: ReadonlyArray<readonly [number, (rand: () => number) => string]> = [
  [1, (r) => `aws_access_key_id = AKIA${run(r, ALNUM, 16).toUpperCase().replace(/[018-9]/g, 'Q')}`],
  [1, (r) => `export GITHUB_TOKEN=ghp_${run(r, ALNUM, 36)}`],
  [1, () => `Customer card 4111 1111 1111 1111 exp 12/27`],
  [2, (r) => `contact: ${pick(r, MIXED_WORDS)}.${pick(r, MIXED_WORDS)}@example.org, phone (415) 555-2671`],
  [1, () => `SSN on file: 123-45-6789`],
  [1, (r) => `DATABASE_URL=postgres://app:${run(r, ALNUM, 16)}@db.internal:5432/prod`],
  [1, (r) => `client_secret: "${run(r, ALNUM, 32)}"`],
];

/** Mixed text lines (no line breaks in them), 2% planted; `expected` counts the planted findings so far. */
export function* mixedLines(rand = random(), tally = { planted: 0, expected: 0 }): Generator<string> {
  for (;;) {
    if (rand() < 0.02) {
      const [n, make] = pick(rand, planted);
      tally.planted++;
      tally.expected += n;
      yield make(rand);
    } else yield pick(rand, filler)(rand);
  }
}

/** At least `size` bytes of `lines` (ASCII), each followed by `separator`, in memory. */
export function take(lines: Iterator<string>, size: number, separator = ''): Uint8Array<ArrayBuffer> {
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < size) {
    const line = lines.next().value as string;
    parts.push(line);
    bytes += line.length + separator.length;
  }
  return new TextEncoder().encode(parts.join(separator) + separator);
}

/**
 * A file of at least `size` bytes: a `unit` generated once, then repeated (so 1 GiB costs one
 * unit's generation), cut at a line end. Reused from the temp dir when present.
 */
export function generateFile(name: string, size: number, unit: () => Uint8Array, head = new Uint8Array(0)): string {
  const path = `${tmpdir()}/bench-${name}-${size}.bin`;
  if (fs.existsSync(path) && fs.statSync(path).size >= size) return path;
  const block = unit();
  const fd = fs.openSync(`${path}.part`, 'w');
  let written = fs.writeSync(fd, head);
  while (written < size) written += fs.writeSync(fd, block);
  fs.closeSync(fd);
  fs.renameSync(`${path}.part`, path);
  return path;
}

/** A review CSV of about `size` bytes (the header once, then 16 MB of reviews repeated). */
export function reviewCsv(size: number): string {
  const lines = reviewLines();
  const header = new TextEncoder().encode(lines.next().value as string);
  return generateFile('reviews', size, () => take(lines, Math.min(size, 16 * MB)), header);
}

/** Mixed text of about `size` bytes (16 MiB generated, repeated). */
export function mixedText(size: number): string {
  return generateFile('mixed', size, () => take(mixedLines(), Math.min(size, 16 * MiB), '\n'));
}

/** Digit-heavy CSV rows: ids, amounts, epoch times, account and phone-like numbers, 2% planted PII. */
export function* digitLines(rand = random(7)): Generator<string> {
  const digits = (n: number) => String(Math.floor(rand() * 10 ** n)).padStart(n, '0');
  yield 'txn,account,amount,at,reference,phone,note\n';
  for (let i = 1; ; i++) {
    const note = rand() < 0.02 ? pick(rand, ['card 4111 1111 1111 1111', 'ssn 123-45-6789', 'call (415) 555-2671']) : `batch ${digits(6)}`;
    yield `${i},${digits(12)},${digits(5)}.${digits(2)},${1_700_000_000 + Math.floor(rand() * 1e8)},REF${digits(10)},${digits(3)}-${digits(4)},${note}\n`;
  }
}

/** A digit-heavy CSV of about `size` bytes (16 MiB generated, repeated). */
export function digitCsv(size: number): string {
  const lines = digitLines();
  const header = new TextEncoder().encode(lines.next().value as string);
  return generateFile('digits', size, () => take(lines, Math.min(size, 16 * MiB)), header);
}
