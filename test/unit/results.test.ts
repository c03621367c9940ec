import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from '../../src/client/format.ts';
import { progressUnit, readResult } from '../../src/client/results.ts';

describe('readResult: typed views of a job result for summaries', () => {
  it('reads a sentiment result, collecting the PII kinds and noticing a paged result', () => {
    const view = readResult('sentiment_analysis_batch', {
      totalProcessed: 3,
      summary: { successful: 2, failed: 1, averageScore: 0.2, distribution: { positive: 1, negative: 1, neutral: 0 } },
      results: [
        { text: 'a [EMAIL]', sentiment: 'positive', score: 0.5, confidence: 0.7, piiTypes: ['EMAIL'] },
        { text: 'b [PHONE] [EMAIL]', sentiment: 'negative', score: -0.1, confidence: 0.6, piiTypes: ['PHONE', 'EMAIL'] },
      ],
      resultsPage: { next: 2 },
    });
    expect(view).toMatchObject({ type: 'sentiment_analysis_batch', processed: 3, failed: 1, averageScore: 0.2, piiTypes: ['EMAIL', 'PHONE'], paged: true });
  });

  it('reads scan findings, counts and compliance per framework', () => {
    const view = readResult('security_scan', {
      riskLevel: 'high',
      riskScore: 38,
      totalFindings: 1,
      countsBySeverity: { high: 1 },
      countsByType: [{ type: 'AWS_ACCESS_KEY_ID', category: 'secret', severity: 'high', count: 1 }],
      compliance: { 'PCI-DSS': { status: 'fail', controls: [{ control: 'Req. 8.6.2', title: 'No hard-coded secrets', status: 'fail', count: 1, findingTypes: ['AWS_ACCESS_KEY_ID'] }] }, HIPAA: { status: 'pass', controls: [] } },
      results: [{ type: 'AWS_ACCESS_KEY_ID', category: 'secret', severity: 'high', line: 5, column: 10, preview: 'AKIA****MPLE' }],
    });
    expect(view).toMatchObject({
      type: 'security_scan',
      riskLevel: 'high',
      bySeverity: { critical: 0, high: 1, medium: 0, low: 0 },
      findings: [{ type: 'AWS_ACCESS_KEY_ID', line: 5, preview: 'AKIA****MPLE' }],
      compliance: [
        { framework: 'PCI-DSS', status: 'fail', controls: [{ control: 'Req. 8.6.2', count: 1 }] },
        { framework: 'HIPAA', status: 'pass', controls: [] },
      ],
    });
  });

  it('defaults what an older or newer server leaves out, and skips values of the wrong kind', () => {
    expect(readResult('file_processing', { rowsParsed: '12', errors: [{ message: 'bad quote' }, 'x'] })).toEqual({
      type: 'file_processing',
      columns: [],
      rowsParsed: 0,
      rowsFailed: 0,
      errors: [{ message: 'bad quote' }, { message: '' }],
      errorsTruncated: false,
    });
    expect(readResult('data_export', {})).toEqual({ type: 'data_export', records: 0, bytes: 0 });
    expect(readResult('security_scan', {})).toMatchObject({ riskLevel: 'unknown', findings: [], compliance: [] });
  });

  it('has no view without a result or for a type it does not know', () => {
    expect(readResult('sentiment_analysis_batch', undefined)).toBeNull();
    expect(readResult('video_transcode', { frames: 10 })).toBeNull();
  });

  it('says what progress counts, and words sizes and durations', () => {
    expect([progressUnit('file_processing'), progressUnit('security_scan'), progressUnit('sentiment_analysis_batch'), progressUnit('data_export')]).toEqual(['bytes', 'bytes', 'items', 'items']);
    expect([formatBytes(213), formatBytes(2048), formatBytes(5 * 1024 * 1024)]).toEqual(['213 bytes', '2.0 KiB', '5.0 MiB']);
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    expect([formatDuration(at(0), at(44)), formatDuration(at(0), at(3200)), formatDuration(at(0), at(720_000)), formatDuration(at(10), at(0))]).toEqual(['44 ms', '3.2 s', '12 min', '']);
  });
});
