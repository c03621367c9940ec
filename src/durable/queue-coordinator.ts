import { DurableObject } from 'cloudflare:workers';
import { retryDelayMs } from '../core/backoff.ts';
import type { JobErrorInfo, JobRecord, JobSummaryRecord } from '../core/job-record.ts';
import { publicStatus, type TerminalState } from '../core/job-states.ts';
import { isTerminal, type JobType } from '../core/job-types.ts';
import { presentJob, ttlFor, type JobViewData } from '../core/job-view.ts';
import { loadConfig, type Config } from '../config.ts';
import type { WorkMessage } from '../queue/work-message.ts';
import { log } from '../log.ts';
import { scheduleInputKey } from '../storage/job-blobs.ts';
import { admissionDecision, findIdempotent, recordAdmission, referenceProblems, rememberIdempotency } from './coordinator/admission-store.ts';
import { AlarmClock, Clock } from './coordinator/alarm-clock.ts';
import { appendAudit, auditPage, jobHistory } from './coordinator/audit-log.ts';
import {
  SYSTEM,
  type Actor,
  type AuditEvent,
  type AuditQuery,
  type BulkCancelFilter,
  type BulkCancelReport,
  type CancelResult,
  type CheckpointResult,
  type ClaimResult,
  type CleanupReport,
  type CompleteResult,
  type Completion,
  type CreateScheduleResult,
  type EnqueueResult,
  type EventsResult,
  type FailureReport,
  type FinishResult,
  type IdempotencyClaim,
  type ListFilter,
  type NewJob,
  type NewSchedule,
  type ProgressReport,
  type QueueStats,
  type ScheduleRecord,
  type WaitResult,
} from './coordinator/contract.ts';
import {
  bulkCancelTargets,
  getJob,
  inputlessJobs,
  isPendingState,
  jobRow,
  lapsedLeases,
  leasedJob,
  listJobs,
  mustGetJob,
  pendingDependents,
  toRecord,
  type JobRow,
} from './coordinator/job-queries.ts';
import { dependencyFailed, INPUT_MISSING } from './coordinator/failures.ts';
import { deleteExpiredJobs, LEASE_EXPIRED, pruneSideTables } from './coordinator/maintenance.ts';
import { getMeta, isPaused, rememberTenant, setMeta } from './coordinator/meta.ts';
import { fireDueSchedules } from './coordinator/schedule-firing.ts';
import { countSchedules, deleteSchedule, getSchedule, insertSchedule, listSchedules } from './coordinator/schedules.ts';
import { queueStats } from './coordinator/stats.ts';
import * as transition from './coordinator/transitions.ts';
import { Waiters } from './coordinator/waiters.ts';
import { deliverDueWebhooks, enqueueWebhook } from './coordinator/webhook-outbox.ts';
import { EventHub, jobEvent, type JobEvent } from './event-hub.ts';
import { applyMigrations } from './migrations.ts';

const CRON: Actor = { actor: 'system:cron', requestId: null };

/**
 * One per tenant. SQLite here is the only source of truth for job state; queue messages are
 * nudges that carry a lease token, so every lease-holding call is checked against the row and
 * duplicates, stale attempts and zombies change nothing. Each call reads as: transition (a named
 * command in coordinator/transitions.ts) → audit → publish → dispatch → re-arm the alarm.
 */
export class QueueCoordinator extends DurableObject<Env> {
  /** Every time this object reads. Tests move it (`clock.advance`) instead of editing rows. */
  readonly clock = new Clock();
  private readonly sql: SqlStorage;
  private readonly config: Config;
  private readonly waiters = new Waiters();
  private readonly hub = new EventHub();
  private readonly alarms: AlarmClock;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.config = loadConfig(env);
    this.alarms = new AlarmClock(ctx, this.clock, () => this.tick());
    void ctx.blockConcurrencyWhile(async () => {
      applyMigrations(this.sql);
      this.alarms.armed(await ctx.storage.getAlarm());
    });
  }

  // ---- client-facing calls -------------------------------------------------------------------

  enqueue(tenant: string, job: NewJob, who: Actor, idempotency: IdempotencyClaim | null): EnqueueResult {
    rememberTenant(this.sql, tenant);
    const now = this.clock.now();
    if (idempotency) {
      const prior = findIdempotent(this.sql, idempotency.key, now);
      if (prior && prior.bodyHash !== idempotency.bodyHash) return { ok: false, code: 'IDEMPOTENCY_CONFLICT', jobId: prior.jobId };
      const original = prior ? getJob(this.sql, prior.jobId) : null;
      if (original) return { ok: true, job: original, replayed: true };
    }
    const admitted = this.admit(job, who, now);
    if (!admitted.ok) return admitted;
    if (idempotency) rememberIdempotency(this.sql, idempotency, job.id, now);
    this.dispatch();
    // One column, not the whole row (input included) and its dependencies: that re-read was ~40% of this call.
    return { ok: true, job: { id: job.id, type: job.type, priority: job.priority, status: publicStatus(transition.stateOf(this.sql, job.id)), createdMs: now }, replayed: false };
  }

  /** POST /jobs/bulk: each job admitted as `enqueue` admits it, in one call. */
  enqueueMany(tenant: string, jobs: NewJob[], who: Actor): EnqueueResult[] {
    return jobs.map((job) => this.enqueue(tenant, job, who, null));
  }

  /** Admission limits, reference checks and the insert: one synchronous step, so nothing interleaves. */
  private admit(job: NewJob, who: Actor, now: number): { ok: true } | Extract<EnqueueResult, { ok: false }> {
    const { maxQueueSize, maxJobsPerMinute: maxPerMinute, maxJobsPerHour: maxPerHour } = this.config;
    const decision = admissionDecision(this.sql, now, { maxQueueSize, maxPerMinute, maxPerHour });
    if (!decision.ok) {
      this.audit(null, 'job.create', who, `refused:${decision.code}`, null);
      return decision;
    }
    const problems = referenceProblems(this.sql, job);
    if (problems.length > 0) return { ok: false, code: 'INVALID_REFERENCE', errors: problems };
    recordAdmission(this.sql, now);
    transition.addJob(this.sql, job, this.config.maxRetries + 1, now);
    this.audit(job.id, 'job.create', who, 'created', `${job.type} ${job.priority}`);
    return { ok: true };
  }

  getJob(id: string): JobRecord | null {
    return getJob(this.sql, id);
  }

  listJobs(filter: ListFilter): { jobs: JobSummaryRecord[]; total: number } {
    return listJobs(this.sql, filter);
  }

  /** A job's input when kept inline (null when it is in R2, or the job is unknown): for retry. */
  input(id: string): string | null {
    return jobRow(this.sql, id)?.input ?? null;
  }

  /** The Worker wrote this admitted job's big input to R2: it may start now. */
  inputStored(id: string): void {
    transition.markInputStored(this.sql, id);
    this.dispatch();
  }

  cancel(id: string, who: Actor): CancelResult {
    const row = jobRow(this.sql, id);
    if (!row) return { ok: false, code: 'JOB_NOT_FOUND' };
    const status = publicStatus(row.state);
    if (isTerminal(status)) {
      this.audit(id, 'job.cancel', who, `refused:${status}`, null);
      return { ok: false, code: 'JOB_NOT_CANCELLABLE', currentStatus: status };
    }
    if (isPendingState(row.state)) {
      this.audit(id, 'job.cancel', who, 'cancelled', null);
      this.finish(id, 'cancelled', this.clock.now());
      this.dispatch();
    } else {
      // Running: the handler stops at its next checkpoint, which makes the transition.
      transition.requestCancel(this.sql, id);
      this.audit(id, 'job.cancel', who, 'requested', null);
      this.publish(id);
    }
    return { ok: true, job: mustGetJob(this.sql, id) };
  }

  /** How many long-polls wait on this job: a sync point for tests, in place of reading internals. */
  waiterCount(id: string): number {
    return this.waiters.count(id);
  }

  /** Answers as soon as the job is terminal, or with its current state at the deadline. */
  wait(id: string, timeoutMs: number, who: Actor): Promise<WaitResult> {
    const job = getJob(this.sql, id);
    if (!job) return Promise.resolve({ ok: false, code: 'JOB_NOT_FOUND' });
    if (isTerminal(job.status)) return Promise.resolve({ ok: true, job, terminal: true });
    if (this.waiters.total() >= this.config.maxWaiters) return Promise.resolve({ ok: false, code: 'QUOTA_EXCEEDED', limit: this.config.maxWaiters });
    return this.waiters.park<WaitResult>(
      id,
      timeoutMs,
      (finished) => ({ ok: true, job: finished, terminal: true }),
      () => {
        const current = getJob(this.sql, id);
        if (current && !isTerminal(current.status)) this.audit(id, 'job.wait', who, 'timeout', `${timeoutMs} ms`);
        return current ? { ok: true, job: current, terminal: isTerminal(current.status) } : { ok: false, code: 'JOB_NOT_FOUND' };
      },
    );
  }

  /**
   * A live event stream for one job: the current state first (unless the client already saw it,
   * per Last-Event-ID), then every change, closing after the terminal event.
   */
  events(id: string, lastEventId: number | null): EventsResult {
    const row = jobRow(this.sql, id);
    if (!row) return { ok: false, code: 'JOB_NOT_FOUND' };
    if (this.hub.total() >= this.config.maxEventStreams) return { ok: false, code: 'QUOTA_EXCEEDED', limit: this.config.maxEventStreams };
    const current = this.snapshot(row);
    // A terminal state is always sent, so the stream can close; a state already seen is not.
    const seen = lastEventId !== null && lastEventId >= current.id && !isTerminal(publicStatus(row.state));
    return { ok: true, stream: this.hub.open(id, seen ? null : current) };
  }

  /** Paused: nothing new starts, running jobs finish, admission goes on. */
  setPaused(tenant: string, paused: boolean, who: Actor): { paused: boolean } {
    rememberTenant(this.sql, tenant);
    setMeta(this.sql, 'paused', paused ? '1' : '0');
    this.audit(null, paused ? 'queue.pause' : 'queue.resume', who, 'ok', null);
    if (!paused) this.dispatch();
    return { paused };
  }

  createSchedule(tenant: string, schedule: NewSchedule, who: Actor): CreateScheduleResult {
    rememberTenant(this.sql, tenant);
    if (countSchedules(this.sql) >= this.config.maxSchedules) return { ok: false, code: 'QUOTA_EXCEEDED', limit: this.config.maxSchedules };
    insertSchedule(this.sql, schedule, this.clock.now());
    this.audit(null, 'schedule.create', who, 'created', `${schedule.id} ${schedule.cron} ${schedule.timezone}`);
    this.rearm();
    return { ok: true, schedule: getSchedule(this.sql, schedule.id) as ScheduleRecord };
  }

  schedule(id: string): ScheduleRecord | null {
    return getSchedule(this.sql, id);
  }

  listSchedules(): ScheduleRecord[] {
    return listSchedules(this.sql);
  }

  deleteSchedule(id: string, who: Actor): boolean {
    const gone = deleteSchedule(this.sql, id);
    const tenant = getMeta(this.sql, 'tenant');
    if (gone && tenant !== null) this.ctx.waitUntil(this.env.BLOBS.delete(scheduleInputKey(tenant, id)));
    if (gone) this.audit(null, 'schedule.delete', who, 'deleted', id);
    return gone;
  }

  cancelMany(filter: BulkCancelFilter, who: Actor): BulkCancelReport {
    const { ids, notFound } = bulkCancelTargets(this.sql, filter);
    const report: BulkCancelReport = { matched: ids.length, cancelled: 0, cancelRequested: 0, notCancellable: 0, notFound };
    for (const id of ids) {
      const outcome = this.cancel(id, who);
      if (!outcome.ok) report.notCancellable += 1;
      else if (outcome.job.status === 'cancelled') report.cancelled += 1;
      else report.cancelRequested += 1;
    }
    return report;
  }

  stats(): QueueStats {
    return queueStats(this.sql, this.clock.now());
  }

  history(jobId: string): AuditEvent[] | null {
    return jobHistory(this.sql, jobId);
  }

  auditLog(query: AuditQuery): { events: AuditEvent[]; nextCursor: number | null } {
    return auditPage(this.sql, query);
  }

  /** Client actions outside the job lifecycle (file upload, dataset delete, download). */
  recordAudit(tenant: string, action: string, who: Actor, outcome: string, target: string | null): void {
    rememberTenant(this.sql, tenant);
    this.audit(null, action, who, outcome, target);
  }

  // ---- consumer-facing calls (each checks the lease token) -----------------------------------

  /** Takes the lease a queue message offers; a second delivery of the same message is stale. */
  claim(jobId: string, token: string): ClaimResult {
    const row = jobRow(this.sql, jobId);
    const claimToken = crypto.randomUUID();
    const now = this.clock.now();
    if (!row || !transition.claimLease(this.sql, jobId, token, claimToken, now + this.config.leaseMs, now)) return { ok: false, code: 'STALE' };
    this.audit(jobId, 'job.start', SYSTEM, row.checkpoint === null ? 'started' : 'resumed', `attempt ${row.attempt}`);
    this.publish(jobId);
    this.rearm();
    return { ok: true, token: claimToken, job: { id: jobId, type: row.type as JobType, attempt: row.attempt, status: 'running' }, checkpoint: row.checkpoint, input: row.input };
  }

  checkpoint(jobId: string, token: string, report: ProgressReport): CheckpointResult {
    const row = leasedJob(this.sql, jobId, token);
    if (!row) return { ok: false, code: 'STALE' };
    const now = this.clock.now();
    if (row.cancel_requested === 1) {
      this.finish(jobId, 'cancelled', now);
      this.dispatch();
      return { ok: false, code: 'CANCELLED' };
    }
    transition.recordProgress(this.sql, row, token, report, now, now + this.config.leaseMs);
    this.publish(jobId, 'progress');
    if (report.yield) {
      const next = crypto.randomUUID();
      transition.yieldLease(this.sql, jobId, token, next);
      this.ctx.waitUntil(this.send({ jobId, token: next, attempt: row.attempt }));
    }
    this.rearm();
    return { ok: true };
  }

  /** With `takeNext`, the freed slot's next job is claimed here for the caller (same lease rules): a drain runs back to back. */
  complete(jobId: string, token: string, completion: Completion, takeNext = false): CompleteResult {
    const row = leasedJob(this.sql, jobId, token);
    if (!row) return { ok: false, code: 'STALE' };
    if (row.cancel_requested !== 1) {
      transition.recordResult(this.sql, jobId, completion.processedItems, completion.failedItems, JSON.stringify(completion.result));
    }
    const status = row.cancel_requested === 1 ? 'cancelled' : 'completed';
    this.finish(jobId, status, this.clock.now());
    const handed = this.dispatch(takeNext);
    const next = handed ? this.claim(handed.jobId, handed.token) : null;
    return { ok: true, status, next: next?.ok ? next : null };
  }

  fail(jobId: string, token: string, failure: FailureReport): FinishResult {
    const row = leasedJob(this.sql, jobId, token);
    if (!row) return { ok: false, code: 'STALE' };
    this.failOrRetry(row, failure, this.clock.now());
    this.dispatch();
    return { ok: true, status: mustGetJob(this.sql, jobId).status };
  }

  // ---- time-driven work ----------------------------------------------------------------------

  override async alarm(): Promise<void> {
    this.alarms.armed(null);
    await this.tick();
  }

  /**
   * Everything time makes due: lapsed leases, delayed jobs, schedules, webhooks. Run by the
   * alarm (durable) and by an in-memory timer for deadlines close at hand (precise to the
   * millisecond, where alarms may fire a second late); safe to run twice.
   */
  private async tick(): Promise<void> {
    const now = this.clock.now();
    for (const row of lapsedLeases(this.sql, now)) {
      try {
        this.audit(row.id, 'job.lease', SYSTEM, 'expired', `attempt ${row.attempt}`);
        if (row.cancel_requested === 1) this.finish(row.id, 'cancelled', now);
        else this.failOrRetry(row, LEASE_EXPIRED, now);
      } catch (error) {
        this.alarmError(row.id, `lease of ${row.id}`, error);
        // Looked at again one lease later, not on every alarm.
        transition.postponeLapsedLease(this.sql, row.id, now + this.config.leaseMs);
      }
    }
    for (const row of inputlessJobs(this.sql, now)) this.finish(row.id, 'failed', now, JSON.stringify({ ...INPUT_MISSING, attempts: row.attempt }));
    const tenant = getMeta(this.sql, 'tenant');
    if (tenant !== null) {
      await fireDueSchedules({
        sql: this.sql,
        blobs: this.env.BLOBS,
        tenant,
        now,
        admit: (job, who) => this.admit(job, who, now).ok,
        failed: (unit, error) => this.alarmError(null, unit, error),
        waitUntil: (promise) => this.ctx.waitUntil(promise),
      });
    }
    this.dispatch();
    await this.deliverWebhooks();
  }

  /**
   * The error boundary of one unit of alarm work (a schedule, a webhook, a lapsed lease): the
   * failure is audited, by the error's name only (a message may quote data), and the alarm goes on.
   */
  private alarmError(jobId: string | null, unit: string, error: unknown): void {
    const name = error instanceof Error ? error.name : typeof error;
    this.audit(jobId, 'alarm.error', SYSTEM, 'failed', `${unit}: ${name}`);
    log('error', { event: 'alarm_error', unit: unit.split(' ')[0], errorName: name });
  }

  /** Deletes ended jobs past their TTL with their R2 objects, and old side-table rows. Safe to run twice or concurrently. */
  async cleanup(): Promise<CleanupReport> {
    const tenant = getMeta(this.sql, 'tenant');
    const now = this.clock.now();
    pruneSideTables(this.sql, now, this.config);
    if (tenant === null) return { deletedJobs: 0, deletedObjects: 0 };
    return deleteExpiredJobs(this.sql, this.env.BLOBS, tenant, now, this.config, (id) => this.audit(id, 'job.cleanup', CRON, 'deleted', null));
  }

  private async deliverWebhooks(): Promise<void> {
    const tenant = getMeta(this.sql, 'tenant');
    if (tenant === null) return;
    const sent = await deliverDueWebhooks(this.sql, {
      tenant,
      signingKey: this.config.webhookSigningKey,
      now: () => this.clock.now(),
      job: (id) => getJob(this.sql, id),
      view: (job) => this.view(job),
      audit: (jobId, outcome, detail) => this.audit(jobId, 'webhook.delivery', SYSTEM, outcome, detail),
      failed: (jobId, error) => this.alarmError(jobId, `webhook of ${jobId}`, error),
    });
    if (sent) this.rearm();
  }

  // ---- the steps every call is made of -------------------------------------------------------

  private failOrRetry(row: JobRow, failure: FailureReport, now: number): void {
    if (row.cancel_requested === 1) return this.finish(row.id, 'cancelled', now);
    const error = JSON.stringify({ ...failure, attempts: row.attempt } satisfies JobErrorInfo & { attempts: number });
    if (failure.retryable && row.attempt < row.max_attempts) {
      const delay = retryDelayMs(row.attempt, { baseDelayMs: this.config.retryBaseDelayMs, maxDelayMs: this.config.retryMaxDelayMs });
      transition.moveToRetry(this.sql, row.id, now + delay, error);
      this.audit(row.id, 'job.retry', SYSTEM, 'scheduled', `${failure.code} after attempt ${row.attempt}, in ${delay} ms`);
      this.publish(row.id);
      return;
    }
    this.finish(row.id, 'failed', now, error);
  }

  /** The one terminal transition: frees the slot, answers every waiter, queues the webhook, settles dependents. */
  private finish(id: string, state: TerminalState, now: number, errorJson: string | null = null): void {
    transition.moveToFinished(this.sql, id, state, now, errorJson);
    // Every failure passes the error it records; the row is read again only for a waiter.
    const code = state === 'failed' && errorJson ? (JSON.parse(errorJson) as JobErrorInfo).code : null;
    this.audit(id, 'job.state', SYSTEM, state, code);
    this.publish(id);
    if (this.waiters.count(id) > 0) this.waiters.wake(mustGetJob(this.sql, id));
    enqueueWebhook(this.sql, id, now);
    if (state === 'completed') transition.promoteDependents(this.sql, id);
    else this.failDependents(id, state, now);
  }

  /** A dependency that can never complete fails everything still waiting on it, transitively. */
  private failDependents(id: string, state: 'failed' | 'cancelled', now: number): void {
    for (const dependent of pendingDependents(this.sql, id)) {
      this.finish(dependent.id, 'failed', now, JSON.stringify(dependencyFailed(id, state, dependent.attempt)));
    }
  }

  /**
   * Fills free slots in priority order (FIFO within a priority). Write first, send second: the
   * state is committed synchronously and the sends finish after the caller has its answer. With
   * `handOff`, the first job started is returned instead of sent, for the caller to claim.
   */
  private dispatch(handOff = false): Omit<WorkMessage, 'tenant'> | null {
    const now = this.clock.now();
    transition.promoteDue(this.sql, now);
    const started = isPaused(this.sql) ? [] : transition.startReadyJobs(this.sql, this.config.maxConcurrentJobs, now, this.config.leaseMs);
    for (const { jobId } of started) this.publish(jobId);
    const handed = handOff ? (started.shift() ?? null) : null;
    for (const message of started) this.ctx.waitUntil(this.send(message));
    this.rearm();
    return handed;
  }

  /**
   * Sends a work message. If the send fails, the job goes back to pending at once, keeping its
   * attempt count, instead of waiting out a lease that no message will ever renew.
   */
  private async send(message: Omit<WorkMessage, 'tenant'>): Promise<void> {
    const tenant = getMeta(this.sql, 'tenant');
    if (tenant === null) throw new Error('coordinator has no tenant');
    try {
      await this.env.JOB_QUEUE.send({ ...message, tenant } satisfies WorkMessage, { contentType: 'json' });
    } catch (error) {
      console.error(JSON.stringify({ event: 'queue_send_failed', jobId: message.jobId, error: String(error) }));
      transition.releaseUnsent(this.sql, message.jobId, message.token, this.clock.now() + 1000);
      this.rearm();
    }
  }

  private rearm(): void {
    this.alarms.rearm(this.sql);
  }

  private view(job: JobRecord): JobViewData {
    return presentJob(job, { nowMs: this.clock.now(), ttlMs: ttlFor(job, this.config) });
  }

  private snapshot(row: JobRow, kind: 'status' | 'progress' = 'status'): JobEvent {
    const job = toRecord(row);
    return jobEvent(row.event_seq, job, this.view(job), kind);
  }

  /** Numbers the job's new state and pushes it to its listeners, if it has any. */
  private publish(id: string, kind: 'status' | 'progress' = 'status'): void {
    transition.bumpEventSeq(this.sql, id);
    if (this.hub.count(id) === 0) return;
    const row = jobRow(this.sql, id);
    if (row) this.hub.publish(id, this.snapshot(row, kind));
  }

  private audit(jobId: string | null, action: string, who: Actor, outcome: string, detail: string | null): void {
    appendAudit(this.sql, this.clock.now(), jobId, action, who, outcome, detail);
  }
}
