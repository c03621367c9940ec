// PII detection and masking. Pure TypeScript: no Worker or Node APIs, so it runs in
// workerd and in `node --experimental-strip-types` alike.
//
// Every detector is a hand-written scanner (or a regex with only bounded quantifiers) whose
// candidates are capped in length, so total work is linear in the input length.
// Offsets are UTF-16 code-unit indices into the input; `end` is exclusive.

// `/max` metadata validates numbers against each country's real number plan; `/min` only
// checks lengths and accepts far more random digit strings as "+CC" numbers.
// The cost is ~20 KB gzip more bundle (≈56 KB vs ≈36 KB).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isAsciiLetterCode, isDigitCode } from './char-codes.ts';
import { CodeBytes } from './code-bytes.ts';
import { forEachZone, newZoneShape, type NumericZone, zoneAt, type ZoneShape, ZONE_MIN_LENGTH } from './zones.ts';

export const PII_TYPES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'SSN', 'IBAN', 'IP_ADDRESS'] as const;
export type PiiType = (typeof PII_TYPES)[number];
export interface PiiMatch {
  type: PiiType;
  start: number;
  end: number;
}
export interface MaskResult {
  text: string;
  piiTypes: PiiType[];
  counts: Partial<Record<PiiType, number>>;
}

// ---------------------------------------------------------------------------------------------
// Character helpers (char codes; avoids per-char regex and string allocation)

/** The code of "0": a digit's value is its code minus this. */
const C_0 = 48;

function isAsciiAlnumCode(c: number): boolean {
  return isDigitCode(c) || isAsciiLetterCode(c);
}
function isHexCode(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

const UNICODE_WORD = /[\p{L}\p{N}\p{M}]/u;

/** Letter, digit or underscore in any script: used for word boundaries. */
function isWordAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return isAsciiAlnumCode(c) || c === 95;
  // Surrogates: test the whole code point.
  return UNICODE_WORD.test(String.fromCodePoint(text.codePointAt(i) ?? c));
}

function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}

// ---------------------------------------------------------------------------------------------
// Candidates: one pass over the text finds the numeric zones (see zones.ts) and hands each
// validator only the zones that may hold its match, so prose and hex or base64 text cost one
// pass and digit-heavy text costs validators only on real candidates. Each test below is what
// the validator itself would refuse first, so skipping the zone changes no finding.

interface Candidates {
  cards: NumericZone[];
  ssns: NumericZone[];
  ipv4: NumericZone[];
  ibanHeads: NumericZone[];
  /** Not those made of one phone run glued to what comes before (see `phoneRefusedWhole`). */
  phones: NumericZone[];
}

/** Reused by each call (which is done with its bytes before the next). */
const TEXT_CODES = new CodeBytes();

function candidatesOf(text: string, codes: Uint8Array = TEXT_CODES.of(text)): Candidates {
  const c: Candidates = { cards: [], ssns: [], ipv4: [], ibanHeads: [], phones: [] };
  forEachZone(text, codes, (z) => {
    let kept: NumericZone | null = null;
    if (z.ibanHead && ibanHeadAt(text, z.start)) c.ibanHeads.push((kept = { start: z.start, end: z.end }));
    if (z.end - z.start < ZONE_MIN_LENGTH) return;
    // A one-run zone holds one card candidate, at its start.
    if (z.cardChain >= CARD_MIN_DIGITS && (z.runs > 1 || cardLeftOk(text, z.start))) c.cards.push((kept ??= { start: z.start, end: z.end }));
    if (z.ssnShaped) c.ssns.push((kept ??= { start: z.start, end: z.end }));
    if (z.dots >= 3) c.ipv4.push((kept ??= { start: z.start, end: z.end }));
    if (z.digits >= PHONE_MIN_DIGITS && !phoneRefusedWhole(text, z)) c.phones.push((kept ??= { start: z.start, end: z.end }));
  });
  return c;
}

/**
 * A zone without ":" or "+" is one phone run, refused whole when its start is glued (a CSV
 * field after a number, an id after letters), unless a stronger match cuts it.
 */
function phoneRefusedWhole(text: string, z: Readonly<ZoneShape>): boolean {
  return !z.colonOrPlus && phoneGlued(text, z.start);
}

// ---------------------------------------------------------------------------------------------
// Email: pragmatic RFC 5322 subset (dot-atom local part, hostname domain, alphabetic TLD),
// plus non-ASCII letters (RFC 6531 / IDN) in spaced scripts.

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const LOCAL_CHARS = new Uint8Array(128);
for (const ch of "!#$%&'*+/=?^_`{|}~.-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  LOCAL_CHARS[ch.charCodeAt(0)] = 1;
}
// Internationalised addresses (RFC 6531) in scripts that separate words with spaces; CJK is
// left out so an address written right after CJK text does not swallow the preceding words.
const EAI_CHAR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{M}]/u;

function isLocalCode(c: number): boolean {
  if (c < 0) return false;
  if (c < 128) return LOCAL_CHARS[c] === 1;
  return EAI_CHAR.test(String.fromCharCode(c));
}
function isDomainCode(c: number): boolean {
  if (c < 128) return isAsciiAlnumCode(c) || c === 45 /* - */ || c === 46; /* . */
  return EAI_CHAR.test(String.fromCharCode(c));
}

const TLD = /^(?:[\p{L}]{2,63}|xn--[A-Za-z0-9-]{1,59})$/u;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;

export function emailDomainValid(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) if (!LABEL.test(l)) return false;
  return TLD.test(labels[labels.length - 1] ?? '');
}

export function emailLocalValid(local: string): boolean {
  if (local.length === 0 || local.length > MAX_LOCAL) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  for (let i = 0; i < local.length; i++) if (!isLocalCode(local.charCodeAt(i))) return false;
  return true;
}

export function findEmails(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('@', from);
    if (at < 0) break;
    from = at + 1;
    // Scan left at most MAX_LOCAL+1 chars: a longer run is not a valid local part.
    let s = at;
    while (s > 0 && at - s <= MAX_LOCAL && isLocalCode(text.charCodeAt(s - 1))) s--;
    if (at - s > MAX_LOCAL) continue;
    // Quote-like specials before the address are prose punctuation, not part of it.
    while (s < at && !isWordAt(text, s)) s++;
    if (s === at || codeAt(text, s - 1) === 64 /* @ */) continue;
    let e = at + 1;
    while (e < text.length && e - at - 1 <= MAX_DOMAIN && isDomainCode(text.charCodeAt(e))) e++;
    if (e - at - 1 > MAX_DOMAIN) continue;
    // Trailing dots/hyphens are sentence punctuation.
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    if (isWordAt(text, e) || codeAt(text, e) === 64) continue;
    if (!emailLocalValid(text.slice(s, at)) || !emailDomainValid(text.slice(at + 1, e))) continue;
    out.push({ type: 'EMAIL', start: s, end: e });
    from = e;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Phone numbers
//
// One pass finds phone-shaped runs: digit groups joined by one to three of ` -./()`, with an
// optional leading "+" or "(" and an optional extension ("x123", "ext. 12"). Cheap shape rules
// drop dates, versions, ISBNs and amounts before libphonenumber-js judges what is left:
// - "+CC …", "00 CC …", "001-…": valid in its country, or possible there with a phone word near;
// - national formats: a phone word near admits any well-formed run of 7–15 digits; without one
//   the run must be written like a phone (grouped, or a trunk "0"/"(…)" prefix) and valid in one
//   of PHONE_REGIONS.
// A non-phone label nearer than any phone word ("order", "ISBN", "tracking", "#", "$" …)
// refuses the run. Runs longer than one number (lists joined by spaces) are cut at spaces.

/**
 * Regions whose national formats are tried on numbers without "+CC" (the first that calls the
 * number valid wins). The plans that accept the most numbers come first, so a candidate
 * usually settles in one or two parses.
 */
export const PHONE_REGIONS = ['US', 'DE', 'IT', 'IN', 'BR', 'GB', 'FR', 'ES', 'NL', 'BE', 'AU', 'CA'] as const;

/**
 * Words that make a nearby digit run a phone number even when its numbering plan says
 * otherwise (synthetic, retired or foreign ranges): looked for up to PHONE_CONTEXT_BEFORE
 * characters before and PHONE_CONTEXT_AFTER after the number.
 */
export const PHONE_CONTEXT_WORDS = [
  'call', 'called', 'calling', 'phone', 'phones', 'ph', 'tel', 'tele', 'telephone', 'telefon', 'teléfono',
  'téléphone', 'tél', 'mobile', 'mob', 'mobil', 'móvil', 'cell', 'cellphone', 'cel', 'fax', 'reach me at',
  'reach me on', 'text me', 'sms', 'whatsapp', 'contact', 'hotline', 'landline', 'office', 'desk', 'dial',
  'ring', 'handy', '电话', 'телефон',
] as const;
/** Labels of numbers that are not phones; the nearer of these and a phone word decides. */
const PHONE_NEGATIVE_WORDS = [
  'order', 'orders', 'invoice', 'receipt', 'isbn', 'issn', 'tracking', 'track', 'parcel', 'shipment', 'awb',
  'ref', 'reference', 'sku', 'serial', 'version', 'ver', 'build', 'release', 'account', 'acct', 'routing',
  'zip', 'postcode', 'postal', 'price', 'total', 'amount', 'cost', 'paid', 'balance', 'patent', 'ticket',
  'transaction', 'txn', 'batch', 'lot', 'model', 'id', 'population', 'isin', 'part', 'license', 'licence',
  'passport', 'address',
] as const;
// A street name after the digits makes them a house number ("17031 2202 Rissik St").
const STREET_AFTER = /^[ ,]*(?:\p{Lu}[\p{L}'-]*\s+){1,3}(?:st|street|rd|road|ave|avenue|blvd|boulevard|lane|ln|dr|drive|way|court|ct|pl|place|sq|square|hwy|highway)\b/iu;
const PHONE_CONTEXT_BEFORE = 40;
const PHONE_CONTEXT_AFTER = 20;

const wordAlternation = (words: readonly string[]): string =>
  [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/ /g, '\\s+')).join('|');
// One scan of the window finds both kinds of label; the last match is the nearest ("phone #"
// is one phone label; "#" or a currency sign right before the number a non-phone one). ASCII
// edges (no `u` flag) keep this cheap.
const NUMBER_LABEL_RE = new RegExp(
  `(?<![A-Za-z0-9])(?:(${wordAlternation(PHONE_CONTEXT_WORDS)})(?![A-Za-z])(?:\\s*#)?|(?:${wordAlternation(PHONE_NEGATIVE_WORDS)})(?![A-Za-z]))|[#$€£¥₹]\\s*$`,
  'gi',
);
/** Two letters in a row, a non-ASCII letter or a label symbol: a label may be there. */
const LABEL_HINT = /[A-Za-z]{2}|[^\x00-\x7f]|[#$]/;
const PHONE_WORD_AFTER_RE = new RegExp(`(?<![A-Za-z0-9])(?:${wordAlternation(PHONE_CONTEXT_WORDS)})(?![A-Za-z])`, 'i');

const PHONE_MIN_DIGITS = 7;
const PHONE_MAX_DIGITS = 15;
const PHONE_MAX_NATIONAL_DIGITS = 12;
const PHONE_MAX_SEP = 3;
const PHONE_EXT = /\s?(?:x|ext\.?|extension)\s?\d{1,6}(?!\d)/iy;

function isPhoneSepCode(c: number): boolean {
  return c === 32 || c === 45 || c === 46 || c === 47 || c === 40 || c === 41 || c === 0xa0;
}

interface PhoneRun {
  /** Offsets of each digit group (start, end) and the separator text before group k+1. */
  starts: number[];
  ends: number[];
  seps: string[];
}

type Context = 'phone' | 'other' | 'none';

/** The nearest label before `start` (a phone word or a non-phone label), else a phone word after `end`. */
function numberContext(text: string, start: number, end: number): Context {
  const before = text.slice(Math.max(0, start - PHONE_CONTEXT_BEFORE), start);
  // Most windows in digit-heavy text hold no label at all: skip the regex there.
  if (!LABEL_HINT.test(before)) return PHONE_WORD_AFTER_RE.test(text.slice(end, end + PHONE_CONTEXT_AFTER)) ? 'phone' : 'none';
  let last: RegExpExecArray | null = null;
  NUMBER_LABEL_RE.lastIndex = 0;
  for (let m = NUMBER_LABEL_RE.exec(before); m; m = NUMBER_LABEL_RE.exec(before)) last = m;
  if (last) return last[1] === undefined ? 'other' : 'phone';
  return PHONE_WORD_AFTER_RE.test(text.slice(end, end + PHONE_CONTEXT_AFTER)) ? 'phone' : 'none';
}

function phoneContext(text: string, start: number, end: number): Context {
  const ctx = numberContext(text, start, end);
  // A street name after the digits makes them a house number ("office at 17031 2202 Rissik St").
  return ctx === 'phone' && STREET_AFTER.test(text.slice(end, end + 60)) ? 'other' : ctx;
}

const YEAR = /^(?:19|20)\d\d$/;

/** Dates, ISBNs, versions and space-grouped thousands: never phones, whatever the context. */
function phoneShapeRejected(groups: string[], seps: string[]): boolean {
  // One-digit groups after the first (a country or trunk code) are lists such as "1 2 3 4",
  // except a "(0)" trunk prefix.
  let single = 0;
  for (let x = 1; x < groups.length; x++) if (groups[x]?.length === 1 && !(seps[x - 1] ?? '').includes('(')) single++;
  if (single > 1) return true;
  const flat = groups.join('');
  if (flat.length === 13 && (flat.startsWith('978') || flat.startsWith('979'))) return true; // ISBN-13
  // A date, also as the head of "2000-04-16 11:22" (the time's colon ends the run).
  if (groups.length >= 3 && seps[0] === seps[1] && seps[0]?.length === 1) {
    const [a = '', b = '', c = ''] = groups;
    const dm = (x: string, y: string): boolean => Number(x) >= 1 && Number(x) <= 31 && Number(y) >= 1 && Number(y) <= 31;
    if (YEAR.test(a) && b.length <= 2 && c.length <= 2 && dm(b, c)) return true;
    if (YEAR.test(c) && a.length <= 2 && b.length <= 2 && dm(a, b)) return true;
  }
  // Dotted runs are versions unless every group has 2+ digits ("03.93.92.16.85", "212.555.0147").
  if (seps.some((s) => s.includes('.')) && (groups.length < 3 || groups.some((g) => g.length < 2))) return true;
  // Two slashes: a date or a fraction list.
  if (seps.filter((s) => s.includes('/')).length > 1) return true;
  return false;
}

/** Written like a phone number: grouped in a phone-like way or with a trunk prefix. */
function phoneFormatted(groups: string[], seps: string[], open: boolean): boolean {
  if (open || seps.some((s) => s.includes(')'))) return true;
  const head = groups[0] ?? '';
  if (groups.length < 2) return head.startsWith('0') && head.length >= 10;
  // Two groups read as a postcode and a house number ("17151 2450") unless a trunk "0" leads.
  if (groups.length === 2 && !head.startsWith('0')) return false;
  // Six or more 2-digit groups are lottery draws and scores, not "01 84 17 61 18".
  if (groups.length > 5 && groups.every((g) => g.length === 2)) return false;
  // Only 4-digit groups read as years or card fragments; 1–3 then 3-digit groups as a thousands amount.
  if (groups.every((g) => g.length === 4)) return false;
  if (seps.every((s) => s === ' ') && (groups[0] ?? '').length <= 3 && groups.slice(1).every((g) => g.length === 3)) {
    return false;
  }
  return true;
}

// Every valid US/CA number has this shape; testing it first spares libphonenumber's costly
// search of the +1 countries on most other digit strings.
const NANP_SHAPE = /^1?[2-9]\d\d[2-9]\d{6}$/;

function validInSomeRegion(candidate: string, digits: string): boolean {
  const nanp = NANP_SHAPE.test(digits);
  for (const region of PHONE_REGIONS) {
    if ((region === 'US' || region === 'CA') && !nanp) continue;
    if (parsePhoneNumberFromString(candidate, { defaultCountry: region, extract: false })?.isValid()) return true;
  }
  return false;
}

// libphonenumber costs tens of µs a call. Within one run (a long list of digit groups) each
// distinct candidate is judged once, and failed judgements draw on a budget that each found
// number tops up by half a try: a run of numbers is found, while a run of digit soup stops
// costing parses after PHONE_RUN_TRIES failures.
const PHONE_RUN_TRIES = 16;

interface PhoneBudget {
  tries: number;
  seen: Map<string, boolean>;
}

function judged(budget: PhoneBudget, key: string, judge: () => boolean): boolean {
  const known = budget.seen.get(key);
  if (known !== undefined) return known;
  if (budget.tries <= 0) return false;
  const ok = judge();
  if (!ok) budget.tries--;
  budget.seen.set(key, ok);
  return ok;
}

/** Whether groups [g, k] of `run`, with a "+" or "(" at `lead`, form a phone number. */
function acceptPhone(text: string, run: PhoneRun, g: number, k: number, lead: number, budget: PhoneBudget): boolean {
  const groups: string[] = [];
  for (let x = g; x <= k; x++) groups.push(text.slice(run.starts[x] ?? 0, run.ends[x] ?? 0));
  const seps = run.seps.slice(g, k);
  const digits = groups.reduce((s, x) => s + x.length, 0);
  if (digits < PHONE_MIN_DIGITS || digits > PHONE_MAX_DIGITS) return false;
  if (phoneShapeRejected(groups, seps)) return false;
  const start = run.starts[g] ?? 0;
  const end = run.ends[k] ?? 0;
  const ctx = phoneContext(text, lead, end);
  if (ctx === 'other') return false;
  const plus = text.charCodeAt(lead) === 43;
  const body = text.slice(plus ? lead : start, end);
  const intl = plus ? body : /^00[1-9]/.test(body) ? `+${body.slice(2)}` : null;
  if (intl !== null) {
    return judged(budget, `${ctx}|${intl}`, () => {
      const parsed = parsePhoneNumberFromString(intl, { extract: false });
      return parsed !== undefined && (parsed.isValid() || (ctx === 'phone' && parsed.isPossible()));
    });
  }
  if (ctx === 'phone') return true;
  const open = text.charCodeAt(lead) === 40;
  const flat = groups.join('');
  if (!phoneFormatted(groups, seps, open)) {
    return (
      groups.length === 1 &&
      digits === 10 &&
      NANP_SHAPE.test(flat) &&
      judged(budget, `US|${body}`, () => parsePhoneNumberFromString(body, { defaultCountry: 'US', extract: false })?.isValid() === true)
    );
  }
  // No national format in PHONE_REGIONS is longer than 12 digits with its trunk prefix.
  if (digits > PHONE_MAX_NATIONAL_DIGITS) return false;
  const candidate = text.slice(lead, end);
  return judged(budget, `*|${candidate}`, () => validInSomeRegion(candidate, flat));
}

/** Left edge of a phone run at `i`: glued to a word, or the tail of a decimal, date or id ("2024-01-15-…"). */
function phoneGlued(text: string, i: number): boolean {
  const p = codeAt(text, i - 1);
  return isWordAt(text, i - 1) || ((p === 46 || p === 44 || p === 45 || p === 47 || p === 58) && isDigitCode(codeAt(text, i - 2)));
}

export function findPhones(text: string, zones: readonly NumericZone[] = candidatesOf(text).phones): PiiMatch[] {
  const out: PiiMatch[] = [];
  let i = 0;
  for (const z of zones) {
    i = Math.max(i, z.start);
    while (i < z.end) {
      if (!isDigitCode(text.charCodeAt(i))) {
        i++;
        continue;
      }
      const glued = phoneGlued(text, i);
      // Measure the run first: most runs (dates, versions, amounts) are refused before any
      // allocation.
      let j = i;
      let digits = 0;
      for (;;) {
        const gs = j;
        while (j < z.end && isDigitCode(text.charCodeAt(j))) j++;
        digits += j - gs;
        let k = j;
        while (k < z.end && k - j < PHONE_MAX_SEP && isPhoneSepCode(text.charCodeAt(k))) k++;
        if (k === j || k >= z.end || !isDigitCode(text.charCodeAt(k))) break;
        j = k;
      }
      const runStart = i;
      i = j;
      if (glued || digits < PHONE_MIN_DIGITS) continue;
      findPhonesInRun(text, phoneRun(text, runStart, j), out);
    }
  }
  return out;
}

function phoneRun(text: string, from: number, to: number): PhoneRun {
  const run: PhoneRun = { starts: [], ends: [], seps: [] };
  let j = from;
  for (;;) {
    const gs = j;
    while (j < to && isDigitCode(text.charCodeAt(j))) j++;
    run.starts.push(gs);
    run.ends.push(j);
    if (j >= to) return run;
    let k = j;
    while (k < to && !isDigitCode(text.charCodeAt(k))) k++;
    run.seps.push(text.slice(j, k));
    j = k;
  }
}

function findPhonesInRun(text: string, run: PhoneRun, out: PiiMatch[]): void {
  const last = run.starts.length - 1;
  // Candidates start and end where a space separates groups (or at the run's edges).
  const cut = (x: number): boolean => (run.seps[x] ?? ' ').includes(' ') || (run.seps[x] ?? ' ').includes('\u00a0');
  // A run that fits one number is judged whole: "978 6 8764 5138 2" is an ISBN, not a phone
  // number after "978 6". Longer runs are lists, cut at spaces.
  let runDigits = 0;
  for (let x = 0; x <= last; x++) runDigits += (run.ends[x] ?? 0) - (run.starts[x] ?? 0);
  const whole = runDigits <= PHONE_MAX_DIGITS;
  const budget: PhoneBudget = { tries: PHONE_RUN_TRIES, seen: new Map() };
  for (let g = 0; g <= last; g++) {
    if (g > 0 && (whole || !cut(g - 1))) continue;
    const first = run.starts[g] ?? 0;
    // A "+" or "(" just before the first group belongs to the number.
    let lead = first;
    const b = codeAt(text, first - 1);
    if (b === 40 || b === 43) lead = first - 1;
    if (b === 40 && codeAt(text, first - 2) === 43) lead = first - 2;
    if (g === 0) {
      const bb = codeAt(text, lead - 1);
      if (bb === 36 || isWordAt(text, lead - 1)) continue;
    }
    let digits = 0;
    let singles = 0;
    let kMax = g - 1;
    for (let k = g; k <= last; k++) {
      const len = (run.ends[k] ?? 0) - (run.starts[k] ?? 0);
      digits += len;
      if (k > g && len === 1 && !(run.seps[k - 1] ?? '').includes('(')) singles++;
      // Longer candidates only add digits and one-digit groups (see phoneShapeRejected).
      if (digits > PHONE_MAX_DIGITS || singles > 1) break;
      kMax = k;
    }
    // Not a part of a longer number: the candidate must end at a cut.
    for (let k = kMax; k >= g; k--) {
      if (k < last && (whole || !cut(k))) continue;
      const end = run.ends[k] ?? 0;
      const after = codeAt(text, end);
      // Not a percentage, the integer part of a decimal, nor the hour of a time.
      if (k === last && (after === 37 || ((after === 46 || after === 44 || after === 58) && isDigitCode(codeAt(text, end + 1))))) continue;
      if (!acceptPhone(text, run, g, k, lead, budget)) continue;
      PHONE_EXT.lastIndex = end;
      const ext = k === last ? PHONE_EXT.exec(text) : null;
      const stop = ext ? end + ext[0].length : end;
      if (isWordAt(text, stop)) continue;
      out.push({ type: 'PHONE', start: lead, end: stop });
      budget.tries += 0.5;
      g = k;
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Credit cards: 12–19 digits (Maestro starts at 12), optional consistent space/dash grouping,
// Luhn; the IIN table names the issuer when one is known.

const CARD_MIN_DIGITS = 12;
const CARD_MAX_DIGITS = 19;

export function luhnValid(digits: string): boolean {
  return /^\d+$/.test(digits) && luhnValidIn(digits, 0, digits.length);
}

/** Luhn over the digits of text[start, end), skipping separators: no string per candidate. */
function luhnValidIn(text: string, start: number, end: number): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = end - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (!isDigitCode(c)) continue;
    let d = c - C_0;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

export type CardBrand =
  | 'visa'
  | 'mastercard'
  | 'amex'
  | 'discover'
  | 'diners'
  | 'jcb'
  | 'unionpay'
  | 'maestro';

const MAESTRO_PREFIXES = ['5018', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763'];

function prefixIn(digits: string, len: number, lo: number, hi: number): boolean {
  const p = Number(digits.slice(0, len));
  return p >= lo && p <= hi;
}

/** Brand whose IIN range and length rules fit `digits`, or null. */
export function cardBrand(digits: string): CardBrand | null {
  const n = digits.length;
  if (n < CARD_MIN_DIGITS || n > CARD_MAX_DIGITS || !/^\d+$/.test(digits)) return null;
  if (n === 12) return MAESTRO_PREFIXES.some((p) => digits.startsWith(p)) ? 'maestro' : null;
  if (digits.startsWith('4')) return n === 13 || n === 16 || n === 19 ? 'visa' : null;
  if (prefixIn(digits, 2, 51, 55) || prefixIn(digits, 4, 2221, 2720)) return n === 16 ? 'mastercard' : null;
  if (digits.startsWith('34') || digits.startsWith('37')) return n === 15 ? 'amex' : null;
  if (
    digits.startsWith('6011') ||
    prefixIn(digits, 3, 644, 649) ||
    digits.startsWith('65') ||
    prefixIn(digits, 6, 622126, 622925)
  ) {
    return n >= 16 ? 'discover' : null;
  }
  if (digits.startsWith('62')) return n >= 16 ? 'unionpay' : null;
  if (prefixIn(digits, 3, 300, 305) || digits.startsWith('3095') || digits.startsWith('36') || prefixIn(digits, 2, 38, 39)) {
    return n >= 14 ? 'diners' : null;
  }
  if (prefixIn(digits, 4, 3528, 3589)) return n >= 16 ? 'jcb' : null;
  // Legacy 15-digit JCB ranges.
  if (digits.startsWith('1800') || digits.startsWith('2131')) return n === 15 ? 'jcb' : null;
  if (MAESTRO_PREFIXES.some((p) => digits.startsWith(p))) return 'maestro';
  return null;
}

/** Luhn-valid with a known issuer (a run with no known issuer may still be a card in text). */
export function creditCardValid(digits: string): boolean {
  return cardBrand(digits) !== null && luhnValid(digits);
}

interface DigitGroup {
  start: number;
  end: number;
}

// Luhn-valid runs with no known issuer are cards too (a reader cannot tell); only a whole run
// counts then, not a slice of a longer number. Any run is refused when a label such as
// "order", "ID", "tracking", "ISBN" or "#" is nearer than a card word, or when it reads as a
// compact timestamp (20240115123045…).
const CARD_WORD_RE = /(?<![A-Za-z0-9])(?:card|cards|credit|debit|visa|mastercard|amex|maestro|jcb|cc|pan|payment|paid with|charged)(?![A-Za-z])(?:\s*#)?/gi;
const CARD_CONTEXT_BEFORE = 40;
const COMPACT_TIMESTAMP = /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])/;

function cardContextOk(text: string, start: number, digits: string): boolean {
  if (COMPACT_TIMESTAMP.test(digits)) return false;
  const before = text.slice(Math.max(0, start - CARD_CONTEXT_BEFORE), start);
  let lastCard = -1;
  for (const m of before.matchAll(CARD_WORD_RE)) lastCard = m.index + m[0].length;
  // A non-card label wins only if it starts after the last card word ("card # 4111…" is a card).
  NUMBER_LABEL_RE.lastIndex = 0;
  for (let m = NUMBER_LABEL_RE.exec(before); m; m = NUMBER_LABEL_RE.exec(before)) {
    if (m[1] === undefined && m.index >= lastCard) return false;
  }
  return true;
}

/** Left edge of a card run: not glued to a word, nor the fraction part of a decimal number, nor a "+CC" phone number. */
function cardLeftOk(text: string, runStart: number): boolean {
  const before = codeAt(text, runStart - 1);
  return (
    !isWordAt(text, runStart - 1) &&
    before !== 43 &&
    !((before === 46 || before === 44 || before === 47 || before === 58) && isDigitCode(codeAt(text, runStart - 2)))
  );
}

export function findCreditCards(text: string, zones: readonly NumericZone[] = candidatesOf(text).cards): PiiMatch[] {
  const out: PiiMatch[] = [];
  const n = text.length;
  let i = 0;
  for (const z of zones) {
    if (z.end - z.start < CARD_MIN_DIGITS) continue;
    i = Math.max(i, z.start);
    while (i < z.end) {
      if (!isDigitCode(text.charCodeAt(i))) {
        i++;
        continue;
      }
      // A run: digit groups joined by single ' ' or '-'.
      const groups: DigitGroup[] = [];
      const seps: number[] = [];
      let j = i;
      for (;;) {
        const gs = j;
        while (j < n && isDigitCode(text.charCodeAt(j))) j++;
        groups.push({ start: gs, end: j });
        const c = codeAt(text, j);
        if ((c === 32 || c === 45) && isDigitCode(codeAt(text, j + 1))) {
          seps.push(c);
          j++;
        } else break;
      }
      i = j;
      const runStart = groups[0]?.start ?? j;
      const runLeftOk = cardLeftOk(text, runStart);
      for (let g = 0; g < groups.length; g++) {
        if (g === 0 && !runLeftOk) continue;
        const first = groups[g];
        if (!first) break;
        let best = -1;
        let total = 0;
        for (let k = g; k < groups.length; k++) {
          const grp = groups[k];
          if (!grp) break;
          const len = grp.end - grp.start;
          if (k > g && seps[k - 1] !== seps[g]) break; // one separator style per number
          total += len;
          if (total > CARD_MAX_DIGITS) break;
          if (k > g) {
            // Grouped: first group of 4, then groups of 4–6, last group 1–6.
            if (first.end - first.start !== 4) break;
            if (len > 6) break;
            const prev = groups[k - 1];
            if (k - 1 > g && prev && prev.end - prev.start < 4) break;
          }
          if (total < CARD_MIN_DIGITS) continue;
          if (!cardEdgeOk(text, grp.end) || !luhnValidIn(text, first.start, grp.end)) continue;
          const digits = text.slice(first.start, grp.end).replace(/[ -]/g, '');
          // Without a known issuer only a whole run counts: not a slice of a longer number.
          const whole = g === 0 && k === groups.length - 1;
          if ((cardBrand(digits) !== null || whole) && cardContextOk(text, first.start, digits)) best = k;
        }
        if (best >= 0) {
          const last = groups[best];
          if (last) out.push({ type: 'CREDIT_CARD', start: first.start, end: last.end });
          g = best;
        }
      }
    }
  }
  return out;
}

function cardEdgeOk(text: string, end: number): boolean {
  if (isWordAt(text, end)) return false;
  const c = codeAt(text, end);
  return !((c === 46 || c === 44) && isDigitCode(codeAt(text, end + 1)));
}

// ---------------------------------------------------------------------------------------------
// US SSN

/** Accepts "ddd-dd-dddd", "ddd dd dddd" or 9 bare digits; rejects never-issued ranges. */
export function ssnValid(ssn: string): boolean {
  const m = /^(\d{3})([- ]?)(\d{2})\2(\d{4})$/.exec(ssn);
  if (!m) return false;
  const area = m[1] ?? '';
  const group = m[3] ?? '';
  const serial = m[4] ?? '';
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  // Publicly used sample numbers (Woolworth wallet card, SSA advertisement).
  const flat = area + group + serial;
  return flat !== '078051120' && flat !== '219099999';
}

const SSN_FORMATTED = /(?<![\p{L}\p{N}_-])\d{3}([- ])\d{2}\1\d{4}(?![\p{L}\p{N}_]|-\d)/gu;
const SSN_BARE = /(?<![\p{L}\p{N}_-])\d{9}(?![\p{L}\p{N}_]|-\d)/gu;
const SSN_CONTEXT = /\b(?:ssns?\b|ss#|social[\s-]+security\b)/i;
const SSN_CONTEXT_BEFORE = 40;
const SSN_CONTEXT_AFTER = 20;

/** `zones`: those holding a run of nine digits or runs of 3, 2 and 4 (see `ZoneShape.ssnShaped`). */
export function findSsns(text: string, zones: readonly NumericZone[] = candidatesOf(text).ssns): PiiMatch[] {
  const out: PiiMatch[] = [];
  for (const z of zones) {
    // The zone with the char before it and two after it: all the regexes' edges look at.
    const from = Math.max(0, z.start - 1);
    const piece = text.slice(from, Math.min(text.length, z.end + 2));
    for (const m of piece.matchAll(SSN_FORMATTED)) {
      if (ssnValid(m[0])) out.push({ type: 'SSN', start: from + m.index, end: from + m.index + m[0].length });
    }
    // Bare 9 digits are too common (order numbers, zips+4) without a context word nearby.
    for (const m of piece.matchAll(SSN_BARE)) {
      const start = from + m.index;
      const end = start + m[0].length;
      if (!ssnValid(m[0])) continue;
      const ctx = text.slice(Math.max(0, start - SSN_CONTEXT_BEFORE), Math.min(text.length, end + SSN_CONTEXT_AFTER));
      if (SSN_CONTEXT.test(ctx)) out.push({ type: 'SSN', start, end });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// IBAN

// Total IBAN length per country (SWIFT IBAN registry).
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Country length table + ISO 7064 mod-97 == 1. Spaces are ignored, case-insensitive. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  if (IBAN_LENGTHS[s.slice(0, 2)] !== s.length) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    // Letters expand to two digits (A=10 … Z=35).
    if (isDigitCode(c)) rem = (rem * 10 + (c - C_0)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

/** Two letters of one case ("GB"/"gb", not "Gb") before `start`, not inside a word, and two digits from it. */
function ibanHeadAt(text: string, start: number): boolean {
  const c0 = codeAt(text, start - 2);
  const c1 = codeAt(text, start - 1);
  return (
    isDigitCode(codeAt(text, start)) &&
    isDigitCode(codeAt(text, start + 1)) &&
    isAsciiLetterCode(c0) &&
    isAsciiLetterCode(c1) &&
    (c0 < 97) === (c1 < 97) &&
    !isWordAt(text, start - 3)
  );
}

export function findIbans(text: string, zones: readonly NumericZone[] = candidatesOf(text).ibanHeads): PiiMatch[] {
  const out: PiiMatch[] = [];
  let from = 0;
  // The check digits start a numeric zone: only zone starts after two letters are candidates.
  for (const z of zones) {
    const i = z.start - 2;
    if (i < from || !ibanHeadAt(text, z.start)) continue;
    const len = IBAN_LENGTHS[text.slice(i, i + 2).toUpperCase()];
    if (len === undefined) continue;
    const end = ibanCompactEnd(text, i, len) ?? ibanGroupedEnd(text, i, len);
    if (end !== null && ibanValid(text.slice(i, end))) {
      out.push({ type: 'IBAN', start: i, end });
      from = end;
    }
  }
  return out;
}

function ibanCompactEnd(text: string, start: number, len: number): number | null {
  const end = start + len;
  if (end > text.length) return null;
  for (let k = start + 4; k < end; k++) if (!isAsciiAlnumCode(text.charCodeAt(k))) return null;
  return isWordAt(text, end) ? null : end;
}

// Printed form: groups of four separated by single spaces, last group 1–4 chars.
function ibanGroupedEnd(text: string, start: number, len: number): number | null {
  let k = start + 4;
  let count = 4;
  while (count < len) {
    if (codeAt(text, k) !== 32) return null;
    k++;
    const groupLen = Math.min(4, len - count);
    for (let g = 0; g < groupLen; g++, k++) if (!isAsciiAlnumCode(codeAt(text, k))) return null;
    count += groupLen;
  }
  return isWordAt(text, k) ? null : k;
}

// ---------------------------------------------------------------------------------------------
// IP addresses

/** Dotted-quad IPv4; rejects leading zeros ("01") which some parsers read as octal. */
export function parseIPv4(s: string): number[] | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(?:0|[1-9]\d{0,2})$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    out.push(v);
  }
  return out;
}

/** Parses full, "::"-compressed and IPv4-suffixed IPv6 into 8 16-bit groups, or null. */
export function parseIPv6(s: string): number[] | null {
  if (s.length < 2 || s.length > 45) return null;
  let head = s;
  let v4: number[] | null = null;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.indexOf('.', lastColon) >= 0) {
    v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return null;
    // Keep the colon(s) before the IPv4 part so "::1.2.3.4" still splits on "::".
    head = s.slice(0, lastColon + 1) + '0';
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const res: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      res.push(parseInt(g, 16));
    }
    return res;
  };
  let groups: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right) return null;
    const explicit = left.length + right.length + (v4 ? 1 : 0);
    if (explicit > 7) return null;
    groups = [...left, ...new Array<number>(8 - left.length - right.length - (v4 ? 1 : 0)).fill(0), ...right];
  } else {
    const all = parseGroups(head);
    if (!all) return null;
    groups = all;
  }
  if (v4) {
    groups.pop(); // placeholder "0" standing in for the IPv4 part
    groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
  }
  return groups.length === 8 ? groups : null;
}

export function findIPv4(text: string, zones: readonly NumericZone[] = candidatesOf(text).ipv4): PiiMatch[] {
  const out: PiiMatch[] = [];
  const n = text.length;
  let i = 0;
  // An address's three dots lie inside its zone: zones with fewer are skipped. The next three
  // dots are kept as they move forward (n: none left), so finding them costs one pass.
  const dotFrom = (from: number): number => {
    const d = text.indexOf('.', from);
    return d < 0 ? n : d;
  };
  let dot1 = -1;
  let dot2 = -1;
  let dot3 = -1;
  for (const z of zones) {
    if (dot1 < z.start) dot1 = dotFrom(z.start);
    if (dot1 >= n) break;
    if (dot1 >= z.end) continue;
    if (dot2 <= dot1) dot2 = dotFrom(dot1 + 1);
    if (dot2 >= z.end) continue;
    if (dot3 <= dot2) dot3 = dotFrom(dot2 + 1);
    if (dot3 >= z.end) continue;
    i = Math.max(i, z.start);
    while (i < z.end) {
      if (!isDigitCode(text.charCodeAt(i))) {
        i++;
        continue;
      }
      // Start only at a token edge: "v1.2.3.4" and the tail of "1.2.3.4.5" are not addresses.
      const startOk = !isWordAt(text, i - 1) && codeAt(text, i - 1) !== 46;
      let j = i;
      let octets = 0;
      for (;;) {
        const os = j;
        while (j < n && j - os < 4 && isDigitCode(text.charCodeAt(j))) j++;
        octets++;
        if (octets < 4 && codeAt(text, j) === 46 && isDigitCode(codeAt(text, j + 1))) j++;
        else break;
      }
      const after = codeAt(text, j);
      const endOk = !isWordAt(text, j) && !(after === 46 && isDigitCode(codeAt(text, j + 1)));
      if (startOk && octets === 4 && endOk && parseIPv4(text.slice(i, j))) {
        out.push({ type: 'IP_ADDRESS', start: i, end: j });
        i = j;
        continue;
      }
      // Skip the rest of this dotted-number token so each char is scanned a bounded number of times.
      while (i < n && (isDigitCode(text.charCodeAt(i)) || (text.charCodeAt(i) === 46 && isDigitCode(codeAt(text, i + 1))))) i++;
    }
  }
  return out;
}

function isV6Code(c: number): boolean {
  return isHexCode(c) || c === 58 /* : */ || c === 46; /* . */
}

export function findIPv6(text: string): PiiMatch[] {
  const out: PiiMatch[] = [];
  const n = text.length;
  // Every address holds a colon: candidates are the hex/colon/dot runs around colons.
  let i = 0;
  for (let colon = text.indexOf(':'); colon >= 0; colon = text.indexOf(':', i)) {
    let runStart = colon;
    while (runStart > i && isV6Code(text.charCodeAt(runStart - 1))) runStart--;
    let colons = 0;
    for (i = runStart; i < n && isV6Code(text.charCodeAt(i)); i++) if (text.charCodeAt(i) === 58) colons++;
    const runEnd = i; // the next colon is looked for after the run: linear
    if (colons < 2 || runEnd - runStart > 46 || isWordAt(text, runStart - 1) || isWordAt(text, runEnd)) continue;
    let s = runStart;
    let e = runEnd;
    while (e > s && text.charCodeAt(e - 1) === 46) e--; // sentence full stop
    if (e - s >= 2 && text.charCodeAt(e - 1) === 58 && text.charCodeAt(e - 2) !== 58) e--; // "addr: "
    if (text.charCodeAt(s) === 58 && codeAt(text, s + 1) !== 58) s++; // "label:fe80::1"
    const cand = text.slice(s, e);
    if (!cand.includes(':') || !parseIPv6(cand) || !ipv6Plausible(cand)) continue;
    out.push({ type: 'IP_ADDRESS', start: s, end: e });
  }
  return out;
}

// Short compressed forms also match prose such as "12::30" or "a::b1"; require a shape that
// real addresses have (leading "::", a 4-digit first group, or 3+ groups) and a digit.
function ipv6Plausible(cand: string): boolean {
  if (!/\d/.test(cand)) return false;
  if (!cand.includes('::')) return true;
  if (cand.startsWith('::')) return true;
  const groups = cand.split(':').filter((g) => g !== '');
  if (groups.length >= 3) return true;
  return (groups[0] ?? '').length === 4;
}

export function findIpAddresses(text: string, zones: readonly NumericZone[] = candidatesOf(text).ipv4): PiiMatch[] {
  return resolveOverlaps([...findIPv6(text), ...findIPv4(text, zones)]);
}

// ---------------------------------------------------------------------------------------------
// Combining detectors

// Confidence order for partial overlaps: checksum-validated first, fuzzy phone matching last.
const PRIORITY: Readonly<Record<PiiType, number>> = {
  IBAN: 0,
  CREDIT_CARD: 1,
  EMAIL: 2,
  SSN: 3,
  IP_ADDRESS: 4,
  PHONE: 5,
};

/**
 * Makes matches disjoint. A match wholly inside another is dropped (the container wins, e.g. an
 * email that contains digits); of partially overlapping matches the higher-priority type wins,
 * then the longer one, then the earlier one. Equal spans keep the higher-priority type.
 */
export function resolveOverlaps(matches: PiiMatch[]): PiiMatch[] {
  const sorted = [...matches].sort(
    (a, b) => a.start - b.start || b.end - a.end || PRIORITY[a.type] - PRIORITY[b.type],
  );
  const out: PiiMatch[] = [];
  let cluster: PiiMatch[] = [];
  let clusterEnd = -1;
  const flush = (): void => {
    if (cluster.length === 1) out.push(...cluster);
    else if (cluster.length > 1) out.push(...resolveCluster(cluster));
    cluster = [];
  };
  for (const m of sorted) {
    if (m.end <= m.start) continue;
    if (m.start >= clusterEnd) {
      flush();
      clusterEnd = m.end;
    } else clusterEnd = Math.max(clusterEnd, m.end);
    cluster.push(m);
  }
  flush();
  return out;
}

// `cluster` is sorted by start asc, end desc, priority asc.
function resolveCluster(cluster: PiiMatch[]): PiiMatch[] {
  const uncontained: PiiMatch[] = [];
  let maxEnd = -1;
  for (const m of cluster) {
    if (m.end <= maxEnd) continue; // inside an earlier-starting, longer (or equal, better) match
    uncontained.push(m);
    maxEnd = m.end;
  }
  const ranked = [...uncontained].sort(
    (a, b) => PRIORITY[a.type] - PRIORITY[b.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const accepted: PiiMatch[] = []; // kept sorted by start
  for (const m of ranked) {
    let lo = 0;
    let hi = accepted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((accepted[mid]?.start ?? 0) < m.start) lo = mid + 1;
      else hi = mid;
    }
    const prev = accepted[lo - 1];
    const next = accepted[lo];
    if ((prev && prev.end > m.start) || (next && next.start < m.end)) continue;
    accepted.splice(lo, 0, m);
  }
  return accepted;
}

/** All PII in `text`: sorted by start, non-overlapping (see `resolveOverlaps`). */
export function detectPii(text: string): PiiMatch[] {
  const codes = TEXT_CODES.of(text);
  const c = candidatesOf(text, codes);
  const strong = [
    ...findEmails(text),
    ...findCreditCards(text, c.cards),
    ...findSsns(text, c.ssns),
    ...findIbans(text, c.ibanHeads),
    ...findIpAddresses(text, c.ipv4),
  ];
  // PHONE loses every partial overlap anyway, so the phone matcher only sees the parts of the
  // zones outside the other matches: a log full of IP addresses then costs nothing there.
  const spans = strong.length > 1 ? [...strong].sort((a, b) => a.start - b.start) : strong;
  const phones = zonesOutside(withCutZones(text, codes, c.phones, spans), spans);
  return resolveOverlaps([...strong, ...findPhones(text, phones)]);
}

/** `zones` (sorted) and the zones refused whole by the phone matcher that a span (sorted) cuts. */
function withCutZones(text: string, codes: Uint8Array, zones: NumericZone[], spans: readonly PiiMatch[]): NumericZone[] {
  if (spans.length === 0) return zones;
  const cut: NumericZone[] = [];
  const z = newZoneShape();
  // Every zone a span overlaps holds a digit inside it; each zone is measured once.
  let done = 0;
  for (const s of spans) {
    for (let p = Math.max(s.start, done); p < s.end; p++) {
      if (!isDigitCode(codes[p] ?? 0)) continue;
      zoneAt(codes, p, z);
      done = p = z.end;
      if (z.digits >= PHONE_MIN_DIGITS && phoneRefusedWhole(text, z)) cut.push({ start: z.start, end: z.end });
    }
  }
  return cut.length === 0 ? zones : [...zones, ...cut].sort((a, b) => a.start - b.start);
}

/** `zones` minus `spans` (both sorted by start). */
function zonesOutside(zones: readonly NumericZone[], sorted: readonly PiiMatch[]): readonly NumericZone[] {
  if (sorted.length === 0) return zones;
  const out: NumericZone[] = [];
  let first = 0;
  for (const z of zones) {
    while (first < sorted.length && (sorted[first]?.end ?? 0) <= z.start) first++;
    let start = z.start;
    for (let k = first; start < z.end; k++) {
      const span = sorted[k];
      if (!span || span.start >= z.end) {
        out.push({ start, end: z.end });
        break;
      }
      if (span.start > start) out.push({ start, end: span.start });
      start = Math.max(start, span.end);
    }
  }
  return out;
}

export function maskPii(text: string): MaskResult {
  const matches = detectPii(text);
  const counts: Partial<Record<PiiType, number>> = {};
  const parts: string[] = [];
  let pos = 0;
  for (const m of matches) {
    parts.push(text.slice(pos, m.start), `[${m.type}]`);
    pos = m.end;
    counts[m.type] = (counts[m.type] ?? 0) + 1;
  }
  parts.push(text.slice(pos));
  const piiTypes = PII_TYPES.filter((t) => counts[t] !== undefined);
  return { text: parts.join(''), piiTypes, counts };
}
