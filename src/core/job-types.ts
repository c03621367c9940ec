/** The vocabulary of jobs shared by the API, the coordinator and the consumer. */
export const JOB_TYPES = ['sentiment_analysis_batch', 'file_processing', 'security_scan', 'data_export'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** Lower rank runs first: critical 0 … low 3. */
export function priorityRank(priority: JobPriority): number {
  return JOB_PRIORITIES.indexOf(priority);
}

export function priorityFromRank(rank: number): JobPriority {
  const priority = JOB_PRIORITIES[rank];
  if (priority === undefined) throw new RangeError(`no priority has rank ${rank}`);
  return priority;
}
