import { loadConfig } from '../config.ts';
import type { Claimed, FailureReport } from '../durable/coordinator/contract.ts';
import { coordinatorFor } from '../durable/coordinator-stub.ts';
import { INPUT_MISSING } from '../durable/coordinator/failures.ts';
import type { QueueCoordinator } from '../durable/queue-coordinator.ts';
import { handlerFor } from '../handlers/registry.ts';
import { JobFailure, type Progress, type ReportAnswer } from '../handlers/types.ts';
import { jobInputKey } from '../storage/job-blobs.ts';
import { log } from '../log.ts';
import { isTransient } from '../core/transient.ts';
import { pacer } from '../core/pacer.ts';
import { WorkMessageSchema, type WorkMessage } from './work-message.ts';

/** Maps anything a handler throws to what the coordinator records: safe words, never raw input. */
export function toFailure(error: unknown): FailureReport {
  if (error instanceof JobFailure) {
    return { code: error.code, message: error.message, stage: error.stage, retryable: error.retryable };
  }
  if (isTransient(error)) {
    return { code: 'TEMPORARY_FAILURE', message: 'A storage or network dependency was unavailable', stage: 'processing', retryable: true };
  }
  return { code: 'JOB_PROCESSING_ERROR', message: 'The job handler failed unexpectedly', stage: 'processing', retryable: false };
}

/**
 * Runs one slice of one job, then, while this invocation's budget lasts, each job the coordinator
 * hands over on completion (a drain runs back to back, without a queue round trip per job). Safe
 * to run twice: `claim` refuses a second delivery of the same message, and every later call
 * carries the claim's token.
 */
export async function runWorkMessage(body: unknown, env: Env): Promise<void> {
  const parsed = WorkMessageSchema.safeParse(body);
  if (!parsed.success) {
    log('warn', { event: 'message_dropped', reason: 'malformed' });
    return;
  }
  const message: WorkMessage = parsed.data;
  const coordinator = coordinatorFor(env, message.tenant);
  const received = Date.now();
  const claim = await coordinator.claim(message.jobId, message.token);
  if (!claim.ok) {
    log('info', { event: 'message_stale', jobId: message.jobId, attempt: message.attempt });
    return;
  }
  const config = loadConfig(env);
  const invocationStart = Date.now();
  let lease: Claimed | null = claim;
  let claimMs = invocationStart - received;
  while (lease) {
    const takeNext = Date.now() - invocationStart < config.sliceBudgetMs;
    lease = await runClaimed(lease, { env, coordinator, tenant: message.tenant, config, claimMs, takeNext });
    claimMs = 0;
  }
}

interface RunContext {
  env: Env;
  coordinator: DurableObjectStub<QueueCoordinator>;
  tenant: string;
  config: ReturnType<typeof loadConfig>;
  /** How long taking the lease took (0 when the completion of the previous job handed it over). */
  claimMs: number;
  /** Ask for the next ready job on completion. */
  takeNext: boolean;
}

/** Runs one claimed job until it completes, yields, fails or is cancelled; returns the job handed over next, if any. */
async function runClaimed(claim: Claimed, context: RunContext): Promise<Claimed | null> {
  const { env, coordinator, tenant, config } = context;
  const { token, job } = claim;
  const invocationStart = Date.now();
  let lastCommit = invocationStart;
  // Removes what this run wrote once the job ended without completing (cancelled, or failed for good).
  let discard = async (): Promise<void> => {};
  const ended = async (status: string): Promise<void> => {
    if (status === 'cancelled' || status === 'failed') await discard();
  };

  try {
    const handler = handlerFor(job.type);
    if (!handler) throw new JobFailure('INVALID_JOB_TYPE', `No handler is registered for ${job.type}`, false, 'dispatch');
    const data = handler.dataSchema.parse(await readInput(env, tenant, job.id, claim.input));
    const loaded = Date.now();
    let lastCheckpoint: unknown = claim.checkpoint === null ? null : (JSON.parse(claim.checkpoint) as unknown);
    let cancelled = false;

    const pace = pacer();
    const report = async (progress: Progress<unknown>): Promise<ReportAnswer> => {
      lastCheckpoint = progress.checkpoint;
      await pace();
      const now = Date.now();
      const budgetSpent = now - invocationStart >= config.sliceBudgetMs;
      if (!budgetSpent && now - lastCommit < config.progressIntervalMs) return 'continue';
      const answer = await coordinator.checkpoint(job.id, token, {
        processedItems: progress.processedItems,
        failedItems: progress.failedItems,
        checkpoint: JSON.stringify(progress.checkpoint),
        yield: budgetSpent,
      });
      lastCommit = now;
      if (!answer.ok) {
        cancelled = answer.code === 'CANCELLED';
        return 'stop';
      }
      return budgetSpent ? 'yield' : 'continue';
    };

    const run = { jobId: job.id, tenant, attempt: job.attempt, data, checkpoint: lastCheckpoint, env, report, pace };
    discard = async () => handler.discard?.({ ...run, checkpoint: lastCheckpoint });
    // Ended, the run's pacer leaves the isolate's group: short jobs back to back (a drain) would
    // otherwise count as running for ACTIVE_MS each and cut every other job's share to the minimum.
    const outcome = await handler.execute(run).finally(() => pace.release());
    const ran = Date.now();
    if (!outcome.done) {
      if (cancelled) await ended('cancelled');
      return null;
    }
    const finished = await coordinator.complete(
      job.id,
      token,
      { processedItems: outcome.processedItems, failedItems: outcome.failedItems, result: outcome.result },
      context.takeNext,
    );
    // Cancelled after its last report: what it wrote goes too.
    if (finished.ok) await ended(finished.status);
    // Where one job's time went, step by step (what `npm run bench:overhead` reads).
    log('info', {
      event: 'job_finished',
      jobId: job.id,
      type: job.type,
      status: finished.ok ? finished.status : 'stale',
      ms: Date.now() - invocationStart,
      claimMs: context.claimMs,
      inputMs: loaded - invocationStart,
      runMs: ran - loaded,
      completeMs: Date.now() - ran,
      handedNext: finished.ok && finished.next !== null,
    });
    return finished.ok ? finished.next : null;
  } catch (error) {
    const failure = toFailure(error);
    if (!(error instanceof JobFailure)) {
      log('error', { event: 'handler_error', jobId: job.id, type: job.type, errorName: error instanceof Error ? error.name : typeof error });
    }
    const finished = await coordinator.fail(job.id, token, failure);
    if (finished.ok) await ended(finished.status);
    return null;
  }
}

/** The job's input: kept inline by the coordinator when small, else read from R2. */
async function readInput(env: Env, tenant: string, jobId: string, inline: string | null): Promise<unknown> {
  if (inline !== null) return JSON.parse(inline) as unknown;
  const stored = await env.BLOBS.get(jobInputKey(tenant, jobId));
  if (!stored) throw new JobFailure(INPUT_MISSING.code, INPUT_MISSING.message, false, INPUT_MISSING.stage);
  return stored.json();
}

export async function handleQueueBatch(batch: MessageBatch, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await runWorkMessage(message.body, env);
        message.ack();
      } catch (error) {
        // The coordinator or storage was unreachable: let the queue deliver it again.
        log('warn', { event: 'message_retry', messageId: message.id, errorName: error instanceof Error ? error.name : typeof error });
        message.retry({ delaySeconds: Math.min(30, 2 ** message.attempts) });
      }
    }),
  );
}
