/**
 * Typed views of a finished job's `result`, one per job type, for people-facing summaries (the
 * dashboard's job pages, the CLI's `status`). The API documents `result` as a JSON object whose
 * fields depend on the type; these readers take what is there and default what is not, so a
 * newer server with extra fields (or an older one with fewer) still reads.
 */
import type { JobType } from '../core/job-types.ts';

export interface Distribution {
  positive: number;
  negative: number;
  neutral: number;
}

export interface SentimentItemView {
  text: string;
  sentiment?: string;
  score?: number;
  confidence?: number;
  piiTypes: string[];
  keywords: string[];
  error?: string;
}

export interface ScanFindingView {
  type: string;
  category: string;
  severity: string;
  line?: number;
  column?: number;
  preview: string;
}

export interface ComplianceView {
  framework: string;
  status: string;
  controls: { control: string; title: string; status: string; count: number; findingTypes: string[] }[];
}

export type ResultView =
  | {
      type: 'sentiment_analysis_batch';
      processed: number;
      successful: number;
      failed: number;
      distribution: Distribution;
      averageScore?: number;
      /** PII kinds masked in the items this result carries inline. */
      piiTypes: string[];
      items: SentimentItemView[];
      /** More items than `items` holds: page them with `results(id, …)`. */
      paged: boolean;
    }
  | {
      type: 'file_processing';
      datasetId?: string;
      filePath?: string;
      processingType?: string;
      format?: string;
      columns: string[];
      rowsParsed: number;
      rowsFailed: number;
      errors: { line?: number; message: string }[];
      errorsTruncated: boolean;
      distribution?: Distribution;
      averageScore?: number;
    }
  | {
      type: 'security_scan';
      filePath?: string;
      scanType?: string;
      sampled: boolean;
      riskLevel: string;
      riskScore?: number;
      totalFindings: number;
      bySeverity: Record<'critical' | 'high' | 'medium' | 'low', number>;
      byType: { type: string; category: string; severity: string; count: number }[];
      findings: ScanFindingView[];
      findingsTruncated: boolean;
      compliance: ComplianceView[];
    }
  | {
      type: 'data_export';
      datasetId?: string;
      format?: string;
      records: number;
      bytes: number;
      fileName?: string;
      expiresAt?: string;
    };

/** What a job's `processingStats` counts: file jobs read bytes, the others count items. */
export function progressUnit(type: JobType | string): 'bytes' | 'items' {
  return type === 'file_processing' || type === 'security_scan' ? 'bytes' : 'items';
}

type Loose = Record<string, unknown>;

const obj = (v: unknown): Loose => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

function distribution(v: unknown): Distribution | undefined {
  const d = obj(v);
  if (num(d.positive) === undefined && num(d.negative) === undefined && num(d.neutral) === undefined) return undefined;
  return { positive: num(d.positive) ?? 0, negative: num(d.negative) ?? 0, neutral: num(d.neutral) ?? 0 };
}

/** One sentiment item as the result and `/result` pages carry it. */
export function readSentimentItem(v: unknown): SentimentItemView {
  const item = obj(v);
  const error = obj(item.error);
  return {
    text: str(item.text) ?? '',
    sentiment: str(item.sentiment),
    score: num(item.score),
    confidence: num(item.confidence),
    piiTypes: strings(item.piiTypes),
    keywords: strings(item.keywords),
    error: str(error.message) ?? str(error.code),
  };
}

/** The view of a job's result, or null when the job has none (yet) or its type is unknown here. */
export function readResult(type: JobType | string, result: unknown): ResultView | null {
  if (result === undefined || result === null) return null;
  const r = obj(result);
  switch (type) {
    case 'sentiment_analysis_batch': {
      const summary = obj(r.summary);
      const items = arr(r.results).map(readSentimentItem);
      return {
        type,
        processed: num(r.totalProcessed) ?? items.length,
        successful: num(summary.successful) ?? 0,
        failed: num(summary.failed) ?? 0,
        distribution: distribution(summary.distribution) ?? { positive: 0, negative: 0, neutral: 0 },
        averageScore: num(summary.averageScore),
        piiTypes: [...new Set(items.flatMap((i) => i.piiTypes))].sort(),
        items,
        paged: r.resultsPage !== undefined || items.length < (num(r.totalProcessed) ?? 0),
      };
    }
    case 'file_processing': {
      return {
        type,
        datasetId: str(r.datasetId),
        filePath: str(r.filePath),
        processingType: str(r.processingType),
        format: str(r.format),
        columns: strings(r.columns),
        rowsParsed: num(r.rowsParsed) ?? 0,
        rowsFailed: num(r.rowsFailed) ?? 0,
        errors: arr(r.errors).map((e) => ({ line: num(obj(e).line), message: str(obj(e).message) ?? '' })),
        errorsTruncated: r.errorsTruncated === true,
        distribution: distribution(r.sentimentDistribution),
        averageScore: num(r.averageScore),
      };
    }
    case 'security_scan': {
      const severity = obj(r.countsBySeverity);
      return {
        type,
        filePath: str(r.filePath),
        scanType: str(r.scanType),
        sampled: r.sampled === true,
        riskLevel: str(r.riskLevel) ?? 'unknown',
        riskScore: num(r.riskScore),
        totalFindings: num(r.totalFindings) ?? 0,
        bySeverity: { critical: num(severity.critical) ?? 0, high: num(severity.high) ?? 0, medium: num(severity.medium) ?? 0, low: num(severity.low) ?? 0 },
        byType: arr(r.countsByType).map((t) => {
          const c = obj(t);
          return { type: str(c.type) ?? '', category: str(c.category) ?? '', severity: str(c.severity) ?? '', count: num(c.count) ?? 0 };
        }),
        findings: arr(r.results ?? r.findings).map((f) => {
          const x = obj(f);
          return {
            type: str(x.type) ?? '',
            category: str(x.category) ?? '',
            severity: str(x.severity) ?? '',
            line: num(x.line),
            column: num(x.column),
            preview: str(x.preview) ?? '',
          };
        }),
        findingsTruncated: r.findingsTruncated === true,
        compliance: Object.entries(obj(r.compliance)).map(([framework, v]) => ({
          framework,
          status: str(obj(v).status) ?? 'unknown',
          controls: arr(obj(v).controls).map((c) => {
            const x = obj(c);
            return { control: str(x.control) ?? '', title: str(x.title) ?? '', status: str(x.status) ?? '', count: num(x.count) ?? 0, findingTypes: strings(x.findingTypes) };
          }),
        })),
      };
    }
    case 'data_export':
      return {
        type,
        datasetId: str(r.datasetId),
        format: str(r.format),
        records: num(r.records) ?? 0,
        bytes: num(r.bytes) ?? 0,
        fileName: str(r.fileName),
        expiresAt: str(r.expiresAt),
      };
    default:
      return null;
  }
}
