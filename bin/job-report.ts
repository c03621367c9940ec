/** What `jobs status` and `jobs watch` print: a job as a person reads it, not as JSON. */
import { formatBytes, formatDuration, progressUnit, readResult, TERMINAL_STATUSES, type Distribution, type Job, type JobStatus } from '../src/client/index.ts';

const BAR_WIDTH = 30;

export function bar(progress: number): string {
  const filled = Math.round((Math.min(100, Math.max(0, progress)) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${progress.toFixed(progress % 1 === 0 ? 0 : 1).padStart(3)}%`;
}

/** One progress line, redrawn in place on a terminal. */
export function progressLine(status: JobStatus, progress: number, stats?: Job['processingStats'], unit: 'bytes' | 'items' = 'items'): string {
  if (!stats || stats.totalItems === 0) return `${bar(progress)}  ${status}`;
  const done = unit === 'bytes' ? `${formatBytes(stats.processedItems)} of ${formatBytes(stats.totalItems)}` : `${stats.processedItems.toLocaleString('en-US')} of ${stats.totalItems.toLocaleString('en-US')} items`;
  return `${bar(progress)}  ${status}  ${done}`;
}

const time = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

function mix(d: Distribution): string {
  return `${d.positive} positive, ${d.negative} negative, ${d.neutral} neutral`;
}

function resultLines(job: Job): [string, string][] {
  const view = readResult(job.type, job.result);
  if (!view) return [];
  switch (view.type) {
    case 'sentiment_analysis_batch':
      return [
        ['Sentiment', `${mix(view.distribution)}${view.averageScore === undefined ? '' : `; average score ${view.averageScore}`}`],
        ['Texts', `${view.successful} analysed, ${view.failed} failed`],
        ['PII masked', view.piiTypes.length > 0 ? view.piiTypes.join(', ') : 'none found'],
        ['All items', `GET /api/v1/jobs/${job.id}/result?offset=0&limit=100`],
      ];
    case 'file_processing':
      return [
        ['Rows', `${view.rowsParsed.toLocaleString('en-US')} parsed, ${view.rowsFailed.toLocaleString('en-US')} failed${view.format ? ` (${view.format})` : ''}`],
        ...view.errors.slice(0, 3).map((e, i): [string, string] => [i === 0 ? 'First errors' : '', `${e.line === undefined ? '' : `line ${e.line}: `}${e.message}`]),
        ...(view.distribution ? [['Sentiment', `${mix(view.distribution)}${view.averageScore === undefined ? '' : `; average score ${view.averageScore}`}`] as [string, string]] : []),
        ...(view.datasetId ? [['Dataset', `${view.datasetId} (records: GET /api/v1/datasets/${view.datasetId}/records)`] as [string, string]] : []),
      ];
    case 'security_scan': {
      const s = view.bySeverity;
      return [
        ['Risk', `${view.riskLevel}${view.riskScore === undefined ? '' : ` (score ${view.riskScore} of 100)`}`],
        ['Findings', `${view.totalFindings} (${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low)`],
        ...(view.byType.length > 0 ? [['Types', view.byType.map((t) => `${t.type} ×${t.count}`).join(', ')] as [string, string]] : []),
        ...(view.compliance.length > 0 ? [['Compliance', view.compliance.map((c) => `${c.framework} ${c.status}`).join(', ')] as [string, string]] : []),
        ['Report', `jobs download ${job.id}`],
      ];
    }
    case 'data_export':
      return [
        ['Export', `${view.records.toLocaleString('en-US')} records, ${view.format ?? ''} ${formatBytes(view.bytes)}`.trim()],
        ...(view.fileName ? [['File', view.fileName] as [string, string]] : []),
        ['Download', `jobs download ${job.id}${view.expiresAt ? ` (until ${time(view.expiresAt)})` : ''}`],
      ];
  }
}

/** A labelled, aligned summary of one job. */
export function jobReport(job: Job): string {
  const s = job.processingStats;
  const finished = job.completedAt ?? job.failedAt ?? job.cancelledAt;
  const rows: [string, string | undefined][] = [
    ['Job', job.id],
    ['Type', `${job.type}, ${job.priority} priority`],
    ['Status', `${job.status}${job.cancelRequested && !TERMINAL_STATUSES.includes(job.status) ? ' (cancelling)' : ''}  ${bar(job.progress)}`],
    progressUnit(job.type) === 'bytes'
      ? ['Read', s.totalItems > 0 ? `${formatBytes(s.processedItems)} of ${formatBytes(s.totalItems)}` : undefined]
      : ['Items', s.totalItems > 0 ? `${s.processedItems.toLocaleString('en-US')} of ${s.totalItems.toLocaleString('en-US')}${s.failedItems > 0 ? `, ${s.failedItems} failed` : ''}` : undefined],
    ['Runs at', job.status === 'pending' && job.scheduledFor ? time(job.scheduledFor) : undefined],
    ['Retries at', job.status === 'pending' && job.nextAttemptAt ? time(job.nextAttemptAt) : undefined],
    ['Waiting for', job.waitingFor && job.waitingFor.length > 0 ? job.waitingFor.join(', ') : undefined],
    ['Created', time(job.createdAt)],
    ['Started', job.startedAt ? time(job.startedAt) : undefined],
    ['Finished', finished ? `${time(finished)}${job.startedAt ? `, after ${formatDuration(job.startedAt, finished)}` : ''}` : undefined],
    ['Attempts', job.attempts > 1 ? `${job.attempts} of ${job.maxAttempts}` : undefined],
    ['Retry of', job.retryOf],
    ['Retried by', job.retriedBy],
    ['Error', job.error ? `${job.errorDetails?.code ? `${job.errorDetails.code}: ` : ''}${job.error}` : undefined],
    ...resultLines(job),
  ];
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
