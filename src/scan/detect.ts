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

function markMedicalContext(pii: WindowMatch[], text: string): void {
  const terms = Array.from(text.matchAll(MEDICAL_TERMS), (m) => ({ start: m.index, end: m.index + m[0].length }));
  let t = 0;
  for (const m of pii) {
    while (t < terms.length && (terms[t]?.end ?? 0) < m.start - MEDICAL_RADIUS) t++;
    const near = terms[t];
    m.medicalContext = near !== undefined && near.start <= m.end + MEDICAL_RADIUS;
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
