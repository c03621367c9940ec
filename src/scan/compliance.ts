// Maps scan findings to the controls of common compliance frameworks. Statuses come from the
// exact per-type counts, so they hold when the detailed findings list was capped; the finding
// indices name the detailed findings (up to the cap) that triggered each control.
import { z } from 'zod';
import type { Category, Finding, ScanResult, Severity, TypeCount } from './types.ts';

export const COMPLIANCE_FRAMEWORKS = ['GDPR', 'HIPAA', 'PCI-DSS', 'SOC2', 'CCPA'] as const;
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];

const FRAMEWORK_ERROR = `complianceFramework must be one of ${COMPLIANCE_FRAMEWORKS.join(', ')}`;

/** One framework name, any letter case ("pci-dss" → "PCI-DSS"). */
export const complianceFrameworkSchema = z
  .string({ error: FRAMEWORK_ERROR })
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.enum(COMPLIANCE_FRAMEWORKS, { error: FRAMEWORK_ERROR }));

/** One framework or a list of them; absent means all. Duplicates are dropped. */
export const complianceFrameworksSchema = z
  .union([complianceFrameworkSchema, z.array(complianceFrameworkSchema).min(1, FRAMEWORK_ERROR)], { error: FRAMEWORK_ERROR })
  .optional()
  .transform((v): ComplianceFramework[] => (v === undefined ? [...COMPLIANCE_FRAMEWORKS] : [...new Set([v].flat())]));

export type ComplianceStatus = 'pass' | 'fail' | 'review';

export interface ControlResult {
  control: string;
  title: string;
  status: Exclude<ComplianceStatus, 'pass'>;
  /** Exact number of findings that triggered the control. */
  count: number;
  findingTypes: string[];
  /** Indices into the scan's detailed `findings`. */
  findingIndices: number[];
}

export interface FrameworkResult {
  framework: ComplianceFramework;
  status: ComplianceStatus;
  /** The controls these findings violate (fail) or call into question (review). */
  controls: ControlResult[];
}

interface Subject {
  type: string;
  category: Category;
  severity: Severity;
}
/** Whether a finding (with medical words nearby, or not) concerns a control. */
type Trigger = (s: Subject, medical: boolean) => boolean;

interface Control {
  control: string;
  title: string;
  when: Trigger;
  /** Findings that make it a failure; others that match `when` call for review. */
  failWhen: Trigger;
}

const RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };
const atLeast = (s: Subject, min: Severity): boolean => RANK[s.severity] >= RANK[min];
const isPii = (s: Subject): boolean => s.category === 'pii';
const isSecret = (s: Subject): boolean => s.category === 'secret';
const isMalware = (s: Subject): boolean => s.category === 'malware';
const always = (): boolean => true;
const never = (): boolean => false;
const phi: Trigger = (s, medical) => isPii(s) && medical;

const CONTROLS: Readonly<Record<ComplianceFramework, readonly Control[]>> = {
  'PCI-DSS': [
    {
      control: 'Req. 3.4 (v4.0: 3.5.1)',
      title: 'Render PAN unreadable anywhere it is stored',
      when: (s) => s.type === 'CREDIT_CARD',
      failWhen: always,
    },
    {
      control: 'Req. 8.6.2',
      title: 'Passwords/passphrases for application and system accounts are not hard coded in scripts, configuration files or source code',
      when: isSecret,
      failWhen: (s) => atLeast(s, 'high'),
    },
    { control: 'Req. 5.2', title: 'Malicious software is prevented, or detected and addressed', when: isMalware, failWhen: always },
  ],
  HIPAA: [
    {
      control: '§164.514(b)',
      title: 'De-identification of PHI: identifiers (SSNs, dates, contact details, account numbers) appear alongside health information',
      when: (s, medical) => phi(s, medical) || s.type === 'SSN' || s.type === 'DATE_OF_BIRTH',
      failWhen: phi,
    },
    {
      control: '§164.312(a)(2)(iv)',
      title: 'Encryption and decryption of electronic PHI',
      when: phi,
      failWhen: always,
    },
    { control: '§164.308(a)(5)(ii)(B)', title: 'Protection from malicious software', when: isMalware, failWhen: always },
  ],
  GDPR: [
    {
      control: 'Art. 5(1)(f), Art. 32',
      title: 'Integrity and confidentiality of personal data; security of processing',
      when: isPii,
      failWhen: (s, medical) => atLeast(s, 'medium') || medical,
    },
    {
      control: 'Art. 9',
      title: 'Processing of special categories of personal data (health data)',
      when: phi,
      failWhen: always,
    },
  ],
  SOC2: [
    {
      control: 'CC6.1',
      title: 'Logical access security: credentials and keys are protected from unauthorised access',
      when: isSecret,
      failWhen: (s) => atLeast(s, 'high'),
    },
    {
      control: 'CC6.8',
      title: 'Prevents or detects and acts upon the introduction of unauthorised or malicious software',
      when: isMalware,
      failWhen: always,
    },
    { control: 'C1.1', title: 'Identifies and maintains confidential information', when: isPii, failWhen: never },
  ],
  CCPA: [
    {
      control: '§1798.150, §1798.81.5',
      title: 'Reasonable security for personal information: SSNs, account or card numbers and medical information kept unencrypted and unredacted',
      when: (s, medical) => ['SSN', 'CREDIT_CARD', 'IBAN'].includes(s.type) || phi(s, medical),
      failWhen: always,
    },
    { control: '§1798.100', title: 'Personal information collected and stored: disclose and minimise', when: isPii, failWhen: never },
  ],
};

/** Findings of `c` that meet `t`: the medical and non-medical ones are tested separately. */
function countMatching(c: TypeCount, t: Trigger): number {
  return (t(c, true) ? c.medicalContext : 0) + (t(c, false) ? c.count - c.medicalContext : 0);
}

function evaluate(control: Control, counts: readonly TypeCount[], findingIndices: number[]): ControlResult | null {
  let count = 0;
  let fails = false;
  const findingTypes: string[] = [];
  for (const c of counts) {
    const n = countMatching(c, control.when);
    if (n === 0) continue;
    count += n;
    findingTypes.push(c.type);
    if (countMatching(c, (s, medical) => control.when(s, medical) && control.failWhen(s, medical)) > 0) fails = true;
  }
  if (count === 0) return null;
  return { control: control.control, title: control.title, status: fails ? 'fail' : 'review', count, findingTypes, findingIndices };
}

const controlKey = (framework: ComplianceFramework, control: Control): string => `${framework} ${control.control}`;

/** Per control ("framework control"), indices of the findings that concern it. */
export type FindingIndices = Record<string, number[]>;

/**
 * Adds the findings of `batch`, numbered from `first`, to `into`: for streams whose findings are
 * written away batch by batch. At most `maxPerControl` indices are kept per control.
 */
export function indexFindings(
  batch: readonly Finding[],
  frameworks: readonly ComplianceFramework[],
  first = 0,
  into: FindingIndices = {},
  maxPerControl = Infinity,
): FindingIndices {
  for (const framework of frameworks) {
    for (const control of CONTROLS[framework]) {
      batch.forEach((f, i) => {
        if (!control.when(f, f.medicalContext === true)) return;
        const list = (into[controlKey(framework, control)] ??= []);
        if (list.length < maxPerControl) list.push(first + i);
      });
    }
  }
  return into;
}

/** `indices` default to those of `scan.findings`; a stream passes what `indexFindings` gathered. */
export function assessCompliance(
  scan: Pick<ScanResult, 'counts' | 'findings'>,
  frameworks: readonly ComplianceFramework[] = COMPLIANCE_FRAMEWORKS,
  indices: FindingIndices = indexFindings(scan.findings, frameworks),
): FrameworkResult[] {
  return frameworks.map((framework) => {
    const controls = CONTROLS[framework].flatMap((c) => evaluate(c, scan.counts, indices[controlKey(framework, c)] ?? []) ?? []);
    const status: ComplianceStatus = controls.some((c) => c.status === 'fail') ? 'fail' : controls.length > 0 ? 'review' : 'pass';
    return { framework, status, controls };
  });
}
