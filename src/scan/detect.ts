// Everything the scanner looks for in one decoded window of text.
import { isAsciiLetterCode, isDigitCode } from '../pii/char-codes.ts';
import { detectPii, type PiiType } from '../pii/detectors.ts';
import { BIRTH_KEYWORDS, findDatesOfBirth } from './date-of-birth.ts';
import { KeywordPass, type KeywordStart, type PassKeyword } from './keyword-pass.ts';
import { findMalware, MALWARE_MAX_PATTERN } from './malware.ts';
import { findSecrets, SECRET_KEYWORDS, SECRET_MAX_LENGTH, type SecretKeyword } from './secrets.ts';
import { addDisjoint } from './spans.ts';
import type { Severity, WindowMatch } from './types.ts';

const PII_SEVERITY: Readonly<Record<PiiType, Severity>> = {
  CREDIT_CARD: 'high',
  SSN: 'high',
  IBAN: 'medium',
  EMAIL: 'low',
  PHONE: 'low',
  IP_ADDRESS: 'low',
};

// Words that turn an identifier into protected health information (HIPAA's PHI test).
const MEDICAL_TERMS =
  /(?<![A-Za-z])(?:diagnos(?:is|es|ed)|patients?|mrn|medical\s+record|prescri(?:ption|bed)|treatment|icd-?10|physician|clinic(?:al)?|hospital|medications?|dosage|lab\s+results?|symptoms?|allerg(?:y|ies)|health\s+(?:plan|insurance)|medicare|medicaid|oncology|chemotherapy|insulin|hiv)(?![A-Za-z])/gi;
/** Characters between a PII value and a medical word for the two to count as related. */
export const MEDICAL_RADIUS = 200;

/** Characters of context detectors look at before a match (medical words, "DOB", "SSN"). */
export const MAX_CONTEXT_BEFORE = MEDICAL_RADIUS;
/** Longest match plus the context detectors look at after it, in characters. */
export const MAX_MATCH_AND_CONTEXT_AFTER = Math.max(SECRET_MAX_LENGTH, MALWARE_MAX_PATTERN) + MEDICAL_RADIUS;

// Terms are words, or two words joined by spaces ("medical record"); none begins inside
// another, so trying the pattern at each word start finds what a scan of the text finds.
const MEDICAL_TERM = new RegExp(MEDICAL_TERMS.source, 'iy');
const TERM_WORD_MAX = 16;
const TERM_SKIP_SLACK = 64;
const isTermWordCode = (c: number): boolean => isAsciiLetterCode(c) || isDigitCode(c) || c === 45;
const SPACE = /\s/;

/**
 * Where to look for the terms that end at or after `lo` (not before `at`): a term reaching back
 * past `lo - TERM_SKIP_SLACK` holds a long run of spaces, so back over that run and the word
 * before it.
 */
function termScanStart(text: string, at: number, lo: number): number {
  let s = lo - TERM_SKIP_SLACK;
  if (s <= at) return at;
  while (s > at && SPACE.test(text.charAt(s - 1))) s--;
  for (let k = 0; k < TERM_WORD_MAX && s > at && isTermWordCode(text.charCodeAt(s - 1)); k++) s--;
  return s;
}

/**
 * Marks each match (sorted by start) that has a medical term within MEDICAL_RADIUS: the first
 * term ending at or after `start - MEDICAL_RADIUS` begins by `end + MEDICAL_RADIUS`. Terms are
 * looked for only there, each character of the window at most once.
 */
function markMedicalContext(pii: WindowMatch[], text: string): void {
  /** Every word start before `at` was tried. */
  let at = 0;
  let term: { start: number; end: number } | undefined;
  for (const m of pii) {
    const lo = m.start - MEDICAL_RADIUS;
    const hi = m.end + MEDICAL_RADIUS;
    if (!term || term.end < lo) {
      term = undefined;
      let p = termScanStart(text, at, lo);
      for (; p <= hi && p < text.length; p++) {
        if (!isAsciiLetterCode(text.charCodeAt(p)) || isAsciiLetterCode(text.charCodeAt(p - 1))) continue;
        MEDICAL_TERM.lastIndex = p;
        if (!MEDICAL_TERM.test(text)) continue;
        const found = { start: p, end: MEDICAL_TERM.lastIndex };
        p = found.end - 1;
        if (found.end >= lo) {
          term = found;
          break;
        }
      }
      at = term ? term.end : p;
    }
    m.medicalContext = term !== undefined && term.start <= hi;
  }
}

/** The secret rules' keywords and the date-of-birth context words, found in one pass. */
const KEYWORDS = new KeywordPass<SecretKeyword | PassKeyword>([...SECRET_KEYWORDS, ...BIRTH_KEYWORDS]);

/**
 * Findings in one window, sorted by start. `text` is what PII and secret detectors read;
 * `raw` (same length and offsets) is what malware signatures are matched against: for binary
 * files `text` keeps only printable strings. PII inside a secret (digits in a token, the
 * "password@host" of a connection string) is part of the secret, not separate PII.
 */
export function detectWindow(text: string, raw: string = text): WindowMatch[] {
  const secretStarts: Array<KeywordStart<SecretKeyword>> = [];
  const birthHints: number[] = [];
  for (const { at, keyword } of KEYWORDS.starts(text)) {
    if ('rules' in keyword) secretStarts.push({ at, keyword });
    else birthHints.push(at);
  }
  const secrets = findSecrets(text, secretStarts);
  const pii = detectPii(text).map(
    (m): WindowMatch => ({ type: m.type, category: 'pii', severity: PII_SEVERITY[m.type], start: m.start, end: m.end }),
  );
  const withPii = addDisjoint([...pii, ...findDatesOfBirth(text, birthHints)], secrets);
  markMedicalContext(
    withPii.filter((m) => m.category === 'pii'),
    text,
  );
  return [...withPii, ...findMalware(raw)].sort((a, b) => a.start - b.start);
}
