import { describe, expect, it } from 'vitest';
import { assessCompliance, COMPLIANCE_FRAMEWORKS, complianceFrameworkSchema, complianceFrameworksSchema } from '../src/scan/compliance.ts';
import { QUICK_SCAN_BUDGET, QUICK_SCAN_MIDDLE_WINDOWS, quickScanPlan } from '../src/scan/quick-scan.ts';
import { assessRisk } from '../src/scan/risk.ts';
import { createScanner } from '../src/scan/scanner.ts';
import type { ScanResult, Severity, TypeCount } from '../src/scan/types.ts';

const scanText = (text: string): ScanResult => {
  const s = createScanner();
  s.push(new TextEncoder().encode(text), 0);
  return s.finish();
};
const count = (type: string, category: TypeCount['category'], severity: Severity, n: number, medicalContext = 0): TypeCount => ({
  type,
  category,
  severity,
  count: n,
  medicalContext,
});

describe('compliance framework schema', () => {
  it('normalises case', () => {
    expect(complianceFrameworkSchema.parse('pci-dss')).toBe('PCI-DSS');
    expect(complianceFrameworkSchema.parse(' soc2 ')).toBe('SOC2');
    expect(complianceFrameworksSchema.parse(['gdpr', 'GDPR', 'Hipaa'])).toEqual(['GDPR', 'HIPAA']);
  });

  it('defaults to all frameworks', () => {
    expect(complianceFrameworksSchema.parse(undefined)).toEqual([...COMPLIANCE_FRAMEWORKS]);
  });

  it('rejects others with the allowed values in the message', () => {
    const r = complianceFrameworkSchema.safeParse('ISO27001');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('complianceFramework must be one of GDPR, HIPAA, PCI-DSS, SOC2, CCPA');
    expect(complianceFrameworksSchema.safeParse(['GDPR', 'ISO27001']).error?.issues[0]?.message).toBe(
      'complianceFramework must be one of GDPR, HIPAA, PCI-DSS, SOC2, CCPA',
    );
    expect(complianceFrameworksSchema.safeParse([]).success).toBe(false);
    expect(complianceFrameworksSchema.safeParse(42).success).toBe(false);
  });
});

describe('compliance mapping', () => {
  it('passes everything on a clean scan', () => {
    const r = assessCompliance(scanText('Nothing to see here.'));
    expect(r.map((f) => [f.framework, f.status])).toEqual(COMPLIANCE_FRAMEWORKS.map((f) => [f, 'pass']));
  });

  it('fails PCI-DSS Req. 3.4 on card numbers, naming the findings', () => {
    const scan = scanText('order 17\ncard 4111 1111 1111 1111\ncontact ops@shop.example');
    const [pci] = assessCompliance(scan, ['PCI-DSS']);
    expect(pci?.status).toBe('fail');
    expect(pci?.controls).toEqual([
      {
        control: 'Req. 3.4 (v4.0: 3.5.1)',
        title: 'Render PAN unreadable anywhere it is stored',
        status: 'fail',
        count: 1,
        findingTypes: ['CREDIT_CARD'],
        findingIndices: [0],
      },
    ]);
  });

  it('fails HIPAA §164.514/§164.312 for an SSN next to medical words, reviews one without', () => {
    const phi = assessCompliance(scanText('Patient: J. Smith, MRN 44821, SSN 123-45-6789, diagnosis: type 2 diabetes'), ['HIPAA'])[0];
    expect(phi?.status).toBe('fail');
    expect(phi?.controls.map((c) => [c.control, c.status])).toEqual([
      ['§164.514(b)', 'fail'],
      ['§164.312(a)(2)(iv)', 'fail'],
    ]);
    const plain = assessCompliance(scanText('Employee SSN 123-45-6789 for payroll'), ['HIPAA'])[0];
    expect(plain?.status).toBe('review');
    expect(plain?.controls.map((c) => [c.control, c.status])).toEqual([['§164.514(b)', 'review']]);
  });

  it('maps secrets to SOC 2 CC6.1 and PCI-DSS Req. 8.6.2, malware to CC6.8', () => {
    const r = assessCompliance({ counts: [count('GITHUB_PAT', 'secret', 'critical', 2), count('EICAR_TEST_FILE', 'malware', 'critical', 1)], findings: [] });
    const soc2 = r.find((f) => f.framework === 'SOC2');
    expect(soc2?.status).toBe('fail');
    expect(soc2?.controls.map((c) => [c.control, c.count])).toEqual([
      ['CC6.1', 2],
      ['CC6.8', 1],
    ]);
    expect(r.find((f) => f.framework === 'PCI-DSS')?.controls.map((c) => c.control)).toEqual(['Req. 8.6.2', 'Req. 5.2']);
    expect(r.find((f) => f.framework === 'GDPR')?.status).toBe('pass');
  });

  it('rates low-severity personal data as review under GDPR and CCPA, sensitive data as fail', () => {
    const low = assessCompliance({ counts: [count('EMAIL', 'pii', 'low', 3)], findings: [] });
    expect(low.map((f) => [f.framework, f.status])).toEqual([
      ['GDPR', 'review'],
      ['HIPAA', 'pass'],
      ['PCI-DSS', 'pass'],
      ['SOC2', 'review'],
      ['CCPA', 'review'],
    ]);
    const ssn = assessCompliance({ counts: [count('SSN', 'pii', 'high', 1)], findings: [] }, ['GDPR', 'CCPA']);
    expect(ssn.map((f) => [f.framework, f.status])).toEqual([
      ['GDPR', 'fail'],
      ['CCPA', 'fail'],
    ]);
    expect(ssn[1]?.controls[0]?.control).toBe('§1798.150, §1798.81.5');
  });

  it('counts beyond the detailed findings cap', () => {
    const [pci] = assessCompliance({ counts: [count('CREDIT_CARD', 'pii', 'high', 5000)], findings: [] }, ['PCI-DSS']);
    expect(pci?.controls[0]).toMatchObject({ count: 5000, findingIndices: [] });
  });
});

describe('risk score', () => {
  it('is 0/none without findings', () => {
    expect(assessRisk([])).toEqual({ riskScore: 0, riskLevel: 'none' });
  });

  it('rates a single finding at its severity', () => {
    expect(assessRisk([count('EMAIL', 'pii', 'low', 1)])).toEqual({ riskScore: 2, riskLevel: 'low' });
    expect(assessRisk([count('IBAN', 'pii', 'medium', 1)])).toEqual({ riskScore: 10, riskLevel: 'medium' });
    expect(assessRisk([count('SSN', 'pii', 'high', 1)])).toEqual({ riskScore: 35, riskLevel: 'high' });
    expect(assessRisk([count('GITHUB_PAT', 'secret', 'critical', 1)])).toEqual({ riskScore: 70, riskLevel: 'critical' });
  });

  it('has diminishing returns per type, adds up across types, caps at 100', () => {
    expect(assessRisk([count('EMAIL', 'pii', 'low', 10_000)])).toEqual({ riskScore: 4, riskLevel: 'low' });
    expect(assessRisk([count('SSN', 'pii', 'high', 2)]).riskScore).toBe(53);
    expect(assessRisk([count('SSN', 'pii', 'high', 1), count('CREDIT_CARD', 'pii', 'high', 1)])).toEqual({ riskScore: 70, riskLevel: 'critical' });
    expect(assessRisk([count('A', 'secret', 'critical', 3), count('B', 'secret', 'critical', 3)]).riskScore).toBe(100);
  });
});

describe('quickScanPlan', () => {
  it('reads small files whole', () => {
    expect(quickScanPlan(0)).toEqual([]);
    expect(quickScanPlan(500)).toEqual([{ start: 0, end: 500 }]);
    expect(quickScanPlan(QUICK_SCAN_BUDGET)).toEqual([{ start: 0, end: QUICK_SCAN_BUDGET }]);
  });

  it('reads head, tail and evenly spaced windows within the budget', () => {
    for (const size of [QUICK_SCAN_BUDGET + 1, 10 * 1024 * 1024, 5 * 1024 ** 4 + 7]) {
      const plan = quickScanPlan(size);
      expect(plan).toHaveLength(QUICK_SCAN_MIDDLE_WINDOWS + 2);
      expect(plan[0]).toEqual({ start: 0, end: QUICK_SCAN_BUDGET / 4 });
      expect(plan.at(-1)).toEqual({ start: size - QUICK_SCAN_BUDGET / 4, end: size });
      expect(plan.reduce((n, r) => n + r.end - r.start, 0)).toBeLessThanOrEqual(QUICK_SCAN_BUDGET);
      for (let i = 1; i < plan.length; i++) expect(plan[i]?.start).toBeGreaterThanOrEqual(plan[i - 1]?.end ?? Infinity);
    }
  });

  it('spaces the middle windows evenly', () => {
    const plan = quickScanPlan(100 * 1024 * 1024).slice(1, -1);
    const steps = plan.slice(1).map((r, i) => r.start - (plan[i]?.start ?? 0));
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThanOrEqual(1);
  });

  it('feeds a scanner that then says it sampled', () => {
    const size = 3 * 1024 * 1024;
    const file = new Uint8Array(size).fill(0x61);
    const s = createScanner({ fileSize: size });
    for (const r of quickScanPlan(size)) s.push(file.subarray(r.start, r.end), r.start);
    const result = s.finish();
    expect(result).toMatchObject({ sampled: true, bytesScanned: QUICK_SCAN_BUDGET });
  });

  it('rejects bad sizes', () => {
    expect(() => quickScanPlan(-1)).toThrow(RangeError);
    expect(() => quickScanPlan(1.5)).toThrow(RangeError);
  });
});
