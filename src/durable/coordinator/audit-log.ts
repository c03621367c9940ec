/** The append-only audit trail: who did what to which job, and how it turned out. */
import type { Actor, AuditEvent, AuditQuery } from './contract.ts';

interface AuditRow extends Record<string, SqlStorageValue> {
  seq: number;
  ts_ms: number;
  job_id: string | null;
  action: string;
  actor: string;
  request_id: string | null;
  outcome: string;
  detail: string | null;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    at: new Date(row.ts_ms).toISOString(),
    jobId: row.job_id,
    action: row.action,
    actor: row.actor,
    requestId: row.request_id,
    outcome: row.outcome,
    detail: row.detail,
  };
}

export function appendAudit(sql: SqlStorage, now: number, jobId: string | null, action: string, who: Actor, outcome: string, detail: string | null): void {
  sql.exec(
    'INSERT INTO audit (ts_ms, job_id, action, actor, request_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
    now,
    jobId,
    action,
    who.actor,
    who.requestId,
    outcome,
    detail,
  );
}

/** One job's trail, oldest first; null when nothing is known of it (never existed, or expired). */
export function jobHistory(sql: SqlStorage, jobId: string): AuditEvent[] | null {
  const rows = sql.exec<AuditRow>('SELECT * FROM audit WHERE job_id = ? ORDER BY seq', jobId).toArray();
  return rows.length ? rows.map(toAuditEvent) : null;
}

export function auditPage(sql: SqlStorage, query: AuditQuery): { events: AuditEvent[]; nextCursor: number | null } {
  const rows = sql
    .exec<AuditRow>('SELECT * FROM audit WHERE seq > ? AND ts_ms >= ? ORDER BY seq LIMIT ?', query.afterSeq, query.sinceMs, query.limit + 1)
    .toArray();
  const page = rows.slice(0, query.limit);
  return { events: page.map(toAuditEvent), nextCursor: rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null };
}
