import type { JobStatus } from './job-types.ts';

/**
 * What the coordinator stores: states that say why a job is where it is, so dispatch never has to
 * re-derive whether a pending job waits for its delay, its backoff or a dependency.
 * - scheduled: a delayed job, not yet due (`not_before_ms`)
 * - retrying: waiting out a retry backoff, or a re-send after a failed queue send
 * - waiting: due, but a dependency has not completed
 * - ready: may start as soon as a slot is free
 */
export const JOB_STATES = ['scheduled', 'retrying', 'waiting', 'ready', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export type TerminalState = 'completed' | 'failed' | 'cancelled';

/** The one map from stored states to the five statuses the API shows. */
const PUBLIC_STATUS: Record<JobState, JobStatus> = {
  scheduled: 'pending',
  retrying: 'pending',
  waiting: 'pending',
  ready: 'pending',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

export function publicStatus(state: JobState): JobStatus {
  return PUBLIC_STATUS[state];
}

/** The stored states a public status covers (a status filter on a listing). */
export function statesOf(status: JobStatus): JobState[] {
  return JOB_STATES.filter((state) => PUBLIC_STATUS[state] === status);
}

export const PENDING_STATES: readonly JobState[] = statesOf('pending');
