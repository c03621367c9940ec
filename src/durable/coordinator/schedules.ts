/**
 * Recurring schedules (BullMQ's job scheduler, River's periodic enqueuer): each row holds type,
 * priority and the data's size, so firing needs no handler; the data is in R2 beside it.
 */
import { nextFiring } from '../../core/cron.ts';
import type { JobPriority, JobType } from '../../core/job-types.ts';
import type { JobSize, NewSchedule, ScheduleRecord } from './contract.ts';

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

/**
 * What one firing creates. Rows from before sizes were stored have none: such a job is sized 0.
 * Rows from before the data moved to R2 still hold it inline (`data`).
 */
export interface FiringSpec {
  type: JobType;
  priority: JobPriority;
  data?: unknown;
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
  sql.exec(
    'INSERT INTO schedules (id, cron, timezone, job, next_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?)',
    schedule.id,
    schedule.cron,
    schedule.timezone,
    JSON.stringify(schedule.job),
    nextFiring(schedule.cron, schedule.timezone, now),
    now,
  );
}

export function countSchedules(sql: SqlStorage): number {
  return sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM schedules').one().n;
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

/**
 * Skips a firing that failed (error boundary of the alarm): counted as refused, moved to the next
 * firing after now, or stopped (next_ms NULL) when even that cannot be computed.
 */
export function skipFiring(sql: SqlStorage, due: DueSchedule, now: number): void {
  let next: number | null;
  try {
    next = nextFiring(due.cron, due.timezone, now);
  } catch {
    next = null;
  }
  sql.exec('UPDATE schedules SET next_ms = ?, refused = refused + 1 WHERE id = ?', next, due.id);
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
