import type { Severity, TypeCount } from './types.ts';

export const RISK_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { low: 2, medium: 10, high: 35, critical: 70 };
// Lowest score of each level; a single finding's level is its severity.
const LEVEL_FLOORS: ReadonlyArray<readonly [RiskLevel, number]> = [
  ['critical', 70],
  ['high', 35],
  ['medium', 10],
  ['low', 1],
];

/**
 * riskScore = min(100, round(Σ_types w(severity) · (2 − 2^(1−n))))
 *
 * with n the number of findings of a type and w = 2 (low), 10 (medium), 35 (high),
 * 70 (critical). Each type adds its weight for the first finding, half of it for the second,
 * a quarter for the third…, so repeats have diminishing returns and one type adds at most 2w:
 * a thousand email addresses (≤ 4) stay low, while distinct high-severity kinds add up.
 *
 * riskLevel: 0 none, 1–9 low, 10–34 medium, 35–69 high, 70–100 critical. So one finding rates
 * as its own severity; two of one high type (52.5) stay high; two high types (70) are critical.
 */
export function assessRisk(counts: readonly TypeCount[]): { riskScore: number; riskLevel: RiskLevel } {
  let sum = 0;
  for (const c of counts) if (c.count > 0) sum += SEVERITY_WEIGHT[c.severity] * (2 - 2 ** (1 - c.count));
  const riskScore = Math.min(100, Math.round(sum));
  const riskLevel = LEVEL_FLOORS.find(([, floor]) => riskScore >= floor)?.[0] ?? 'none';
  return { riskScore, riskLevel };
}
