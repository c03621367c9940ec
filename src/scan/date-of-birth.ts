// Dates of birth: a date is only personal data when something says whose birthday it is, so a
// date counts only right after a context word ("DOB", "date of birth", "born", …).
import { isAsciiLetterCode } from '../pii/char-codes.ts';
import { KeywordPass, type PassKeyword } from './keyword-pass.ts';
import type { WindowMatch } from './types.ts';

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const CONTEXT = String.raw`(?<![A-Za-z])(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)(?![A-Za-z])`;
const DATE = [
  String.raw`(?<y1>\d{4})[-/.](?<m1>\d{1,2})[-/.](?<d1>\d{1,2})`,
  String.raw`(?<a2>\d{1,2})[-/.](?<b2>\d{1,2})[-/.](?<y2>\d{4}|\d{2})`,
  String.raw`(?<mon3>${MONTHS})\.?\s{1,3}(?<d3>\d{1,2})(?:st|nd|rd|th)?,?\s{1,3}(?<y3>\d{4})`,
  String.raw`(?<d4>\d{1,2})(?:st|nd|rd|th)?\s{1,3}(?:of\s{1,3})?(?<mon4>${MONTHS})\.?,?\s{1,3}(?<y4>\d{4})`,
].join('|');
// Up to 6 separators (": ", " - ", "=") and "is"/"was"/"on" between the word and the date.
const DOB = new RegExp(
  String.raw`${CONTEXT}[^A-Za-z0-9\n]{0,6}(?:(?:is|was|on)\s{1,3}){0,2}(?<v>${DATE})(?![0-9])`,
  'dgi',
);

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function fullYear(y: string): number {
  const n = Number(y);
  // Two-digit years of birth: "85" is 1985, "05" is 2005 (within the last century).
  if (y.length === 4) return n;
  const now = new Date().getUTCFullYear() % 100;
  return n <= now ? 2000 + n : 1900 + n;
}

function monthOf(name: string): number {
  return MONTH_NAMES.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function plausibleBirthDate(g: Record<string, string | undefined>): boolean {
  let year: number;
  let candidates: Array<[month: number, day: number]>;
  if (g.y1) [year, candidates] = [Number(g.y1), [[Number(g.m1), Number(g.d1)]]];
  else if (g.y2) {
    // Numeric day/month order is ambiguous (US vs. European): either reading will do.
    const a = Number(g.a2);
    const b = Number(g.b2);
    [year, candidates] = [fullYear(g.y2), [[a, b], [b, a]]];
  } else if (g.y3) [year, candidates] = [Number(g.y3), [[monthOf(g.mon3 ?? ''), Number(g.d3)]]];
  else [year, candidates] = [Number(g.y4), [[monthOf(g.mon4 ?? ''), Number(g.d4)]]];
  if (year < 1900 || year > new Date().getUTCFullYear()) return false;
  return candidates.some(([m, d]) => validDate(year, m, d));
}

/**
 * Each context word begins with one of these (not right after an ASCII letter), but "date of
 * birth", which begins where "date" does before its "birth": DOB is tried only there.
 */
export const BIRTH_KEYWORDS: readonly PassKeyword[] = ['dob', 'd.o', 'do.', 'birth', 'born'].map((text) => ({ text, folded: true, then: '' }));
const BIRTH_PASS = new KeywordPass(BIRTH_KEYWORDS);
const DOB_AT = new RegExp(DOB.source, 'dgiy');
const SPACE = /\s/;

/** Whether `word` (lowercase ASCII letters) ends at `end`, any case, as DOB's /i compares it. */
function wordBefore(text: string, end: number, word: string): boolean {
  if (end < word.length) return false;
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(end - word.length + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** Where "date", spaces, "of" and spaces before `at` begin, or -1. */
function dateOfStart(text: string, at: number): number {
  let p = at;
  const spacesBack = (): boolean => {
    const q = p;
    while (p > 0 && SPACE.test(text.charAt(p - 1))) p--;
    return p < q;
  };
  if (!spacesBack() || !wordBefore(text, p, 'of')) return -1;
  p -= 2;
  if (!spacesBack() || !wordBefore(text, p, 'date')) return -1;
  return p - 4;
}

/** `hints`: where BIRTH_KEYWORDS begin in `text`, in order (one pass may find other keywords too). */
export function findDatesOfBirth(text: string, hints: readonly number[] = BIRTH_PASS.starts(text).map((s) => s.at)): WindowMatch[] {
  const out: WindowMatch[] = [];
  /** Where the last match ended: as in a scan of the text, the next begins at or after it. */
  let from = 0;
  for (const hint of hints) {
    if (hint > 0 && isAsciiLetterCode(text.charCodeAt(hint - 1))) continue;
    for (const start of [dateOfStart(text, hint), hint]) {
      if (start < from) continue;
      DOB_AT.lastIndex = start;
      const m = DOB_AT.exec(text);
      if (!m) continue;
      from = DOB_AT.lastIndex;
      const span = m.indices?.groups?.v;
      if (span && plausibleBirthDate(m.groups ?? {})) out.push({ type: 'DATE_OF_BIRTH', category: 'pii', severity: 'medium', start: span[0], end: span[1] });
      break;
    }
  }
  return out;
}
