/**
 * Recurring schedules (BullMQ's job scheduler, River's periodic enqueuer): each row holds what a
 * firing needs (type, priority, the validated data and its size), so firing needs no handler.
 */
import { firingJobId, nextFiring } from '../../core/cron.ts';
import { fitsInline } from '../../core/inline-payload.ts';
import type { JobPriority, JobType } from '../../core/job-types.ts';
import { jobInputKey } from '../../storage/job-blobs.ts';
import type { Actor, JobSize, NewJob, NewSchedule, ScheduleRecord } from './contract.ts';

interface ScheduleRow extends Record<string, SqlStorageValue> {
  id: string;
  cron: string;
  timezone: string;
  job: string;
  next_ms: number | null;
  created_ms: number;
  last_fired_ms: number | null;
  fired: number;
  refused: number;
}

/** What one firing creates. Rows from before sizes were stored have none: such a job is sized 0. */
export interface FiringSpec {
  type: JobType;
  priority: JobPriority;
  data: unknown;
  size: JobSize;
}

export interface DueSchedule {
  id: string;
  cron: string;
  timezone: string;
  dueMs: number;
  spec: FiringSpec;
}

const UNSIZED: JobSize = { totalItems: 0, estimatedMs: 0, estimatedMemoryBytes: 0 };

function toSchedule(row: ScheduleRow): ScheduleRecord {
  const job = JSON.parse(row.job) as { type: JobType; priority: JobPriority };
  return {
    id: row.id,
    cron: row.cron,
    timezone: row.timezone,
    type: job.type,
    priority: job.priority,
    nextRunMs: row.next_ms,
    lastRunMs: row.last_fired_ms,
    createdMs: row.created_ms,
    fired: row.fired,
    refused: row.refused,
  };
}

export function insertSchedule(sql: SqlStorage, schedule: NewSchedule, now: number): void {
  const { type, priority, dataJson, size } = schedule.job;
  sql.exec(
    'INSERT INTO schedules (id, cron, timezone, job, next_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
    schedule.id,
    schedule.cron,
    schedule.timezone,
    JSON.stringify({ type, priority, data: JSON.parse(dataJson) as unknown, size }),
    nextFiring(schedule.cron, schedule.timezone, now),
    now,
  );
}

export function getSchedule(sql: SqlStorage, id: string): ScheduleRecord | null {
  const row = sql.exec<ScheduleRow>('SELECT * FROM schedules WHERE id = ?', id).toArray()[0];
  return row ? toSchedule(row) : null;
}

export function listSchedules(sql: SqlStorage): ScheduleRecord[] {
  return sql.exec<ScheduleRow>('SELECT * FROM schedules ORDER BY created_ms, id').toArray().map(toSchedule);
}

export function deleteSchedule(sql: SqlStorage, id: string): boolean {
  return sql.exec('DELETE FROM schedules WHERE id = ?', id).rowsWritten > 0;
}

export function dueSchedules(sql: SqlStorage, now: number): DueSchedule[] {
  return sql
    .exec<ScheduleRow>('SELECT * FROM schedules WHERE next_ms <= ?', now)
    .toArray()
    .map((row) => {
      const spec = JSON.parse(row.job) as Omit<FiringSpec, 'size'> & { size?: JobSize };
      return { id: row.id, cron: row.cron, timezone: row.timezone, dueMs: row.next_ms ?? now, spec: { ...spec, size: spec.size ?? UNSIZED } };
    });
}

/** Still due at `dueMs`: false once another run of the same firing has moved the schedule on. */
export function stillDue(sql: SqlStorage, id: string, dueMs: number): boolean {
  return sql.exec<{ next_ms: number | null }>('SELECT next_ms FROM schedules WHERE id = ?', id).toArray()[0]?.next_ms === dueMs;
}

/** Counts the firing and moves to the next one after now: missed firings (the object was away) are not replayed. */
export function advanceSchedule(sql: SqlStorage, due: DueSchedule, now: number, admitted: boolean): void {
  sql.exec(
    'UPDATE schedules SET next_ms = ?, last_fired_ms = ?, fired = fired + ?, refused = refused + ? WHERE id = ?',
    nextFiring(due.cron, due.timezone, Math.max(now, due.dueMs)),
    now,
    admitted ? 1 : 0,
    admitted ? 0 : 1,
    due.id,
  );
}

/**
 * Each due schedule creates an ordinary job through `admit`; a refusal is counted, not lost. The
 * job id is derived from the schedule and due time, and the due time is re-checked after any
 * await, so a firing that runs twice creates one job. A small input is kept inline; a big one is
 * written to R2 first (and deleted again if the job is refused).
 */
export async function fireDueSchedules(
  sql: SqlStorage,
  firing: { bucket: R2Bucket; tenant: string; now: number; admit: (job: NewJob, who: Actor) => boolean; later: (work: Promise<unknown>) => void },
): Promise<void> {
  const { bucket, tenant, now } = firing;
  for (const due of dueSchedules(sql, now)) {
    const id = await firingJobId(due.id, due.dueMs);
    const { type, priority, data, size } = due.spec;
    const input = JSON.stringify(data);
    const inline = fitsInline(input);
    if (!inline) await bucket.put(jobInputKey(tenant, id), input, { httpMetadata: { contentType: 'application/json' } });
    if (!stillDue(sql, due.id, due.dueMs)) continue;
    const job: NewJob = { id, type, priority, ...size, runAtMs: null, dependsOn: [], retryOf: null, callbackUrl: null, input: inline ? input : null, awaitingInput: false };
    const admitted = firing.admit(job, { actor: `schedule:${due.id}`, requestId: null });
    advanceSchedule(sql, due, now, admitted);
    if (!admitted && !inline) firing.later(bucket.delete(jobInputKey(tenant, id)));
  }
}
