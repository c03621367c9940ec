/** A job's state as a live event (SSE): terminal states by name, progress while it runs. */
import { isTerminal } from '../../core/job-types.ts';
import { progressOf, type presentJob } from '../../core/job-view.ts';
import type { JobEvent } from '../event-hub.ts';
import { toRecord, type JobRow } from './job-queries.ts';

export function jobEvent(row: JobRow, view: (job: ReturnType<typeof toRecord>) => ReturnType<typeof presentJob>, kind: 'status' | 'progress'): JobEvent {
  const job = toRecord(row);
  const data = view(job);
  if (isTerminal(job.status)) return { id: row.event_seq, event: job.status as JobEvent['event'], data };
  if (kind === 'progress') {
    return { id: row.event_seq, event: 'progress', data: { status: job.status, progress: progressOf(job), processingStats: data.processingStats } };
  }
  return { id: row.event_seq, event: 'status', data };
}
