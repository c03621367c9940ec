// Numeric zones: digits joined by one to three number punctuation chars. Every card, phone, SSN
// and IPv4 address lies inside one zone and an IBAN's check digits start one, so the PII
// validators run only there. One forward pass finds the zones and measures each one (digits,
// runs, dots, joins), so a validator skips a zone that cannot hold its match without walking it.
// Characters are read from the text's CodeBytes (`charCodeAt` costs several times more).
// Pure: no Worker or Node APIs. Each character is read a bounded number of times: linear.

import { isAsciiLetterCode, isDigitCode } from './char-codes.ts';

export interface NumericZone {
  start: number;
  end: number;
}

/** A zone and what the validators ask of it; `end` is exclusive. */
export interface ZoneShape extends NumericZone {
  digits: number;
  /** Digit runs (a zone of n runs has n - 1 joins). */
  runs: number;
  /** Dots among the joins (an IPv4 address needs three). */
  dots: number;
  /** A ":" or "+" among the joins (the phone matcher's runs stop there). */
  colonOrPlus: boolean;
  /** Most digits in a chain of runs joined by one " " or "-" each (a card lies in one chain). */
  cardChain: number;
  /** A run of exactly nine digits, or runs of 3, 2 and 4 joined by the same single " " or "-". */
  ssnShaped: boolean;
  /** Two ASCII letters right before it, no ASCII letter, digit or "_" before them, a digit second (an IBAN's head). */
  ibanHead: boolean;
}

const ZONE_MAX_JOIN = 3;
/** No card, phone, SSN or IPv4 address is shorter ("1.2.3.4", 7 characters). */
export const ZONE_MIN_LENGTH = 7;

// space - . / ( ) : + NBSP
const JOIN = new Uint8Array(256);
for (const c of ' -./():+\u00a0') JOIN[c.charCodeAt(0)] = 1;

const isJoinCode = (c: number): boolean => c < 256 && JOIN[c] === 1;
const isAsciiWordCode = (c: number): boolean => isAsciiLetterCode(c) || isDigitCode(c) || c === 95;

/**
 * A digit with six more digits or joins after it (every zone of ZONE_MIN_LENGTH+ characters
 * begins with one), or two letters not inside an ASCII word and two digits (an IBAN's head).
 * In hex and base64 most letter pairs before digits are inside a word (the look-behind last: it
 * runs only where the rest matched). The native search skips prose, hex and base64 faster than a
 * loop over every character.
 */
const LONG_ZONE_OR_HEAD = /[0-9][0-9 \-./():+\u00a0]{6}|[A-Za-z]{2}[0-9]{2}(?<![A-Za-z0-9_][A-Za-z]{2}[0-9]{2})/g;
/**
 * After a zone, the next digit is looked for this far by a plain loop before the search takes
 * over again: in digit-heavy text zones follow each other a character or two apart, and a
 * search call and a backward walk per zone cost more than the loop.
 */
const DENSE_GAP = 16;
/** Short zones in a row (hex, base64, prose numbers) after which the search takes over. */
const DENSE_MAX_SHORT = 2;

export function newZoneShape(): ZoneShape {
  return { start: 0, end: 0, digits: 0, runs: 0, dots: 0, colonOrPlus: false, cardChain: 0, ssnShaped: false, ibanHead: false };
}

/**
 * Calls `visit` for each zone of ZONE_MIN_LENGTH+ characters or with an IBAN head, in order;
 * `codes`: the text's CodeBytes.
 * The shape passed is reused for the next zone: copy what is kept.
 */
export function forEachZone(text: string, codes: Uint8Array, visit: (zone: Readonly<ZoneShape>) => void): void {
  const n = text.length;
  const shape = newZoneShape();
  let done = 0;
  /** Where the search goes on: no match begins in the gaps looked through. */
  let from = 0;
  const hits = LONG_ZONE_OR_HEAD;
  hits.lastIndex = 0;
  while (hits.test(text)) {
    // The zone of the match's last digit is the one that counts (any zone before it in the
    // match is shorter than seven and no IBAN's head); it may begin before the match.
    let hit = hits.lastIndex - 1;
    while (!isDigitCode(codes[hit] ?? 0)) hit--;
    let start = zoneStart(codes, hit, done);
    // After a long zone the next ones are looked for close by, until DENSE_MAX_SHORT short ones.
    let shortsLeft = 0;
    for (;;) {
      measure(codes, start, shape);
      done = from = shape.end;
      if (done - start >= ZONE_MIN_LENGTH) {
        visit(shape);
        shortsLeft = DENSE_MAX_SHORT;
      } else {
        if (shape.ibanHead) visit(shape);
        if (shortsLeft-- === 0) break;
      }
      // Zones are maximal, so the first digit after one starts the next.
      const limit = Math.min(n, done + DENSE_GAP);
      let d = done;
      while (d < limit && !isDigitCode(codes[d] ?? 0)) d++;
      if (d >= limit) {
        // A match begins with a digit or two letters before two digits.
        from = Math.max(done, limit - 2);
        break;
      }
      start = d;
    }
    hits.lastIndex = from;
  }
}

/** Fills `shape` with the zone that holds the digit at `i` of the text whose CodeBytes are `codes`. */
export function zoneAt(codes: Uint8Array, i: number, shape: ZoneShape): void {
  measure(codes, zoneStart(codes, i, 0), shape);
}

/** Where the zone holding the digit at `i` begins; `floor`: the end of an earlier zone. */
function zoneStart(codes: Uint8Array, i: number, floor: number): number {
  let start = i;
  for (;;) {
    while (start > floor && isDigitCode((codes[start - 1] ?? 0))) start--;
    let k = start;
    while (k > floor && start - k < ZONE_MAX_JOIN && isJoinCode((codes[k - 1] ?? 0))) k--;
    if (k === start || k <= floor || !isDigitCode((codes[k - 1] ?? 0))) return start;
    start = k;
  }
}

/** Fills `z` with the zone that starts at `start` (a digit with no zone right before it). */
function measure(codes: Uint8Array, start: number, z: ZoneShape): void {
  const n = codes.length;
  let i = start;
  let digits = 0;
  let runs = 0;
  let dots = 0;
  let colonOrPlus = false;
  let chain = 0;
  let cardChain = 0;
  let ssnShaped = false;
  // Lengths of the last two runs, and the single " " or "-" after each (-1: another join).
  let len1 = 0;
  let len2 = 0;
  let sep1 = -1;
  let sep2 = -1;
  for (;;) {
    const runStart = i;
    while (i < n && isDigitCode((codes[i] ?? 0))) i++;
    const len = i - runStart;
    digits += len;
    runs++;
    chain += len;
    if (chain > cardChain) cardChain = chain;
    if (len === 9 || (len === 4 && len1 === 2 && len2 === 3 && sep1 >= 0 && sep1 === sep2)) ssnShaped = true;
    let k = i;
    let joinDots = 0;
    let joinColonOrPlus = false;
    while (k < n && k - i < ZONE_MAX_JOIN) {
      const c = (codes[k] ?? 0);
      if (!isJoinCode(c)) break;
      if (c === 46) joinDots++;
      else if (c === 58 || c === 43) joinColonOrPlus = true;
      k++;
    }
    if (k === i || k >= n || !isDigitCode((codes[k] ?? 0))) break;
    dots += joinDots;
    colonOrPlus ||= joinColonOrPlus;
    const c = (codes[i] ?? 0);
    const single = k - i === 1 && (c === 32 || c === 45) ? c : -1;
    if (single < 0) chain = 0;
    len2 = len1;
    sep2 = sep1;
    len1 = len;
    sep1 = single;
    i = k;
  }
  z.start = start;
  z.end = i;
  z.digits = digits;
  z.runs = runs;
  z.dots = dots;
  z.colonOrPlus = colonOrPlus;
  z.cardChain = cardChain;
  z.ssnShaped = ssnShaped;
  z.ibanHead =
    start + 1 < n &&
    isDigitCode((codes[start + 1] ?? 0)) &&
    start >= 2 &&
    isAsciiLetterCode((codes[start - 1] ?? 0)) &&
    isAsciiLetterCode((codes[start - 2] ?? 0)) &&
    !isAsciiWordCode((codes[start - 3] ?? 0));
}
