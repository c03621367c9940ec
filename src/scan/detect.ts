// Everything the scanner looks for in one decoded window of text.
import { detectPii, type PiiType } from '../pii/detectors.ts';
import { findDatesOfBirth } from './date-of-birth.ts';
import { findMalware, MALWARE_MAX_PATTERN } from './malware.ts';
import { findSecrets, SECRET_MAX_LENGTH } from './secrets.ts';
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
// another, so a scan started anywhere outside a term finds the same terms from there on.
const TERM_WORD_MAX = 16;
const TERM_SKIP_SLACK = 64;
const isTermWordCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
const SPACE = /\s/;

/**
 * Where a scan for the terms that end at or after `lo` may start (not before `at`): a term
 * reaching back past `lo - TERM_SKIP_SLACK` holds a long run of spaces, so back over that run
 * and the word before it.
 */
function termScanStart(text: string, at: number, lo: number): number {
  let s = lo - TERM_SKIP_SLACK;
  if (s <= at) return at;
  while (s > at && SPACE.test(text.charAt(s - 1))) s--;
  for (let k = 0; k < TERM_WORD_MAX && s > at && isTermWordCode(text.charCodeAt(s - 1)); k++) s--;
  return s;
}

/**
 * Marks each match (sorted by start) that has a medical term within MEDICAL_RADIUS. Terms are
 * searched only near the matches, not over the whole window.
 */
function markMedicalContext(pii: WindowMatch[], text: string): void {
  let at = 0;
  // The first term ending at or after the current match's reach; null when none is left.
  let term: { start: number; end: number } | null | undefined;
  for (const m of pii) {
    const lo = m.start - MEDICAL_RADIUS;
    while (term !== null && (term === undefined || term.end < lo)) {
      MEDICAL_TERMS.lastIndex = termScanStart(text, at, lo);
      const found = MEDICAL_TERMS.exec(text);
      term = found ? { start: found.index, end: found.index + found[0].length } : null;
      at = term ? term.end : text.length;
    }
    m.medicalContext = term != null && term.start <= m.end + MEDICAL_RADIUS;
  }
}

/**
 * Findings in one window, sorted by start. `text` is what PII and secret detectors read;
 * `raw` (same length and offsets) is what malware signatures are matched against: for binary
 * files `text` keeps only printable strings. PII inside a secret (digits in a token, the
 * "password@host" of a connection string) is part of the secret, not separate PII.
 */
export function detectWindow(text: string, raw: string = text): WindowMatch[] {
  const secrets = findSecrets(text);
  const pii = detectPii(text).map(
    (m): WindowMatch => ({ type: m.type, category: 'pii', severity: PII_SEVERITY[m.type], start: m.start, end: m.end }),
  );
  const withPii = addDisjoint([...pii, ...findDatesOfBirth(text)], secrets);
  markMedicalContext(
    withPii.filter((m) => m.category === 'pii'),
    text,
  );
  return [...withPii, ...findMalware(raw)].sort((a, b) => a.start - b.start);
}
