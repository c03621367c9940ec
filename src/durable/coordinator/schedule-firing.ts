/**
 * Firing due schedules (River's periodic enqueuer): each due schedule creates an ordinary job,
 * admitted like any other; a refusal is counted and audited, not lost. The job id is derived from
 * the schedule and due time, and the due time is re-checked after the input is written, so a
 * firing that runs twice creates one job. One bad schedule is its own unit of failure.
 */
import { firingJobId } from '../../core/cron.ts';
import { fitsInline } from '../../core/inline-payload.ts';
import { jobInputKey, scheduleInputKey } from '../../storage/job-blobs.ts';
import type { Actor, NewJob } from './contract.ts';
import { advanceSchedule, dueSchedules, skipFiring, stillDue, type DueSchedule } from './schedules.ts';

export interface FiringDeps {
  sql: SqlStorage;
  blobs: R2Bucket;
  tenant: string;
  now: number;
  /** Admission as for a client's job: limits, references, insert. True when admitted. */
  admit: (job: NewJob, who: Actor) => boolean;
  /** The error boundary of one schedule's firing. */
  failed: (unit: string, error: unknown) => void;
  waitUntil: (promise: Promise<unknown>) => void;
}

export async function fireDueSchedules(deps: FiringDeps): Promise<void> {
  for (const due of dueSchedules(deps.sql, deps.now)) {
    try {
      await fireSchedule(deps, due);
    } catch (error) {
      deps.failed(`schedule ${due.id}`, error);
      skipFiring(deps.sql, due, deps.now);
    }
  }
}

async function fireSchedule(deps: FiringDeps, due: DueSchedule): Promise<void> {
  const { sql, blobs, tenant, now } = deps;
  const id = await firingJobId(due.id, due.dueMs);
  const { type, priority, size } = due.spec;
  const input = 'data' in due.spec ? JSON.stringify(due.spec.data) : await (await blobs.get(scheduleInputKey(tenant, due.id)))?.text();
  if (input === undefined) throw new Error('the schedule input is missing');
  // A small input is kept beside the job; a big one is written to R2 first (and deleted if refused).
  const inline = fitsInline(input);
  if (!inline) await blobs.put(jobInputKey(tenant, id), input, { httpMetadata: { contentType: 'application/json' } });
  if (!stillDue(sql, due.id, due.dueMs)) return;
  const job: NewJob = { id, type, priority, ...size, runAtMs: null, dependsOn: [], retryOf: null, callbackUrl: null, input: inline ? input : null, awaitingInput: false };
  const admitted = deps.admit(job, { actor: `schedule:${due.id}`, requestId: null });
  advanceSchedule(sql, due, now, admitted);
  if (!admitted && !inline) deps.waitUntil(blobs.delete(jobInputKey(tenant, id)));
}
