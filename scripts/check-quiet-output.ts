/**
 * A passing test run must be quiet: no stack trace and no secrets warning in its output. CI pipes
 * `npm test` into a log and runs this on it (no second run); exits 1, quoting the lines, if not.
 * Run: node --experimental-strip-types scripts/check-quiet-output.ts <log file>
 */
import { readFileSync } from 'node:fs';

const NOISE: readonly [string, RegExp][] = [
  ['secrets warning', /Missing required secrets/],
  ['workerd trace', /^\s*(exception = |stack: )/],
  ['JavaScript stack frame', /^\s+at \S.*:\d+:\d+\)?\s*$/],
];

// Colour codes would hide a line start from the patterns.
const ANSI = /\x1b\[[0-9;]*m/g;

const path = process.argv[2];
if (!path) {
  console.error('usage: check-quiet-output.ts <log file>');
  process.exit(2);
}
const found: string[] = [];
for (const [i, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
  const line = raw.replace(ANSI, '');
  const hit = NOISE.find(([, pattern]) => pattern.test(line));
  if (hit) found.push(`${path}:${i + 1}: ${hit[0]}: ${line.slice(0, 160)}`);
}
if (found.length > 0) {
  console.error(`${found.length} noisy line(s) in a test run that must be quiet:\n${found.slice(0, 20).join('\n')}`);
  process.exit(1);
}
console.log(`${path}: no stack trace, no secrets warning`);
