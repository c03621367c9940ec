import type { Context } from 'hono';
import { loadConfig, type Config } from '../config.ts';
import type { FieldError } from '../core/field-error.ts';
import { callbackUrlProblem } from '../core/webhooks.ts';
import type { Actor, AdmittedJob, EnqueueResult, IdempotencyClaim, NewJob } from '../durable/coordinator/contract.ts';
import { coordinatorFor } from '../durable/coordinator-stub.ts';
import { handlerFor, jobSize, REGISTERED_TYPES } from '../handlers/registry.ts';
import type { JobHandler } from '../handlers/types.ts';
import { jobInputKey } from '../storage/job-blobs.ts';
import { fitsInline } from '../core/inline-payload.ts';
import type { AppEnv } from './context.ts';
import { didYouMean } from './did-you-mean.ts';
import { ApiError, fieldErrors } from './errors.ts';
import { CreateJobBody, isRecord, jobBodyKeys } from './create-job-body.ts';
import type { CreateJobInput } from './schemas.ts';

/** What is wrong with `type`, without echoing it: missing, not text, or unknown (with the nearest type). */
function typeProblem(body: unknown): FieldError {
  const type = isRecord(body) ? body.type : undefined;
  const allowed = REGISTERED_TYPES.join(', ');
  if (type === undefined) return { field: 'type', message: `Required: one of ${allowed}` };
  if (typeof type !== 'string') return { field: 'type', message: `Must be a string: one of ${allowed}` };
  const suggestion = didYouMean(type, REGISTERED_TYPES);
  return { field: 'type', message: suggestion ? `Unknown job type; did you mean "${suggestion}"?` : `Unknown job type; use one of ${allowed}` };
}

/**
 * A create-job body that failed its schema: `error` in the contract's words, `details` saying
 * what exactly (each field, with the nearest known name for an unknown one).
 */
export function jobBodyError(issues: Parameters<typeof fieldErrors>[0], body: unknown): ApiError {
  if (issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'type')) {
    return new ApiError('INVALID_JOB_TYPE', 'Invalid job type', { allowedTypes: [...REGISTERED_TYPES], errors: [typeProblem(body)] });
  }
  return new ApiError('INVALID_JOB_DATA', 'Invalid job data', { errors: fieldErrors(issues, (path) => jobBodyKeys(body, path)) });
}

/** Validates one job spec of a bulk call, as POST /jobs would. */
export function parseJobBody(value: unknown): { ok: true; body: CreateJobInput } | { ok: false; error: ApiError } {
  const parsed = CreateJobBody.safeParse(value);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, error: jobBodyError(parsed.error.issues, value) };
}

/**
 * Checks that need storage (the handler's: a named file or dataset exists) and the callback
 * target, after the schema passed; null when the job may be created.
 */
export async function referenceError(c: Context<AppEnv>, handler: JobHandler, body: CreateJobInput): Promise<ApiError | null> {
  const problems = (await handler.validate?.(body.data, { env: c.env, tenant: c.get('tenant') })) ?? [];
  if (body.callbackUrl !== undefined) problems.push(...callbackProblems(body.callbackUrl, loadConfig(c.env)));
  return problems.length > 0 ? new ApiError('INVALID_JOB_DATA', 'Invalid job data', { errors: problems }) : null;
}

export type SubmitOutcome = { ok: true; job: AdmittedJob; replayed: boolean } | { ok: false; error: ApiError };

/** The audit trail's view of the caller: the key's id and the request id, never the key. */
export function actorOf(c: Context<AppEnv>): Actor {
  return { actor: `key:${c.get('keyId')}`, requestId: c.get('requestId') };
}

function callbackProblems(url: string, config: Config): { field: string; message: string }[] {
  if (config.webhookSigningKey === null) return [{ field: 'callbackUrl', message: 'Webhooks are not configured on this service' }];
  const problem = callbackUrlProblem(url, { allowInsecure: config.allowInsecureCallbacks });
  return problem ? [{ field: 'callbackUrl', message: problem }] : [];
}

function startTime(body: CreateJobInput, now: number): number | null {
  if (body.runAt !== undefined) return Date.parse(body.runAt);
  if (body.delay !== undefined) return now + body.delay;
  return null;
}

type Prepared = { ok: true; job: NewJob; input: string } | { ok: false; error: ApiError };

/** Storage and callback checks, then the job as the coordinator admits it: a small input inline. */
async function prepareJob(c: Context<AppEnv>, body: CreateJobInput, retryOf: string | null): Promise<Prepared> {
  const handler = handlerFor(body.type);
  if (!handler) return { ok: false, error: new ApiError('INVALID_JOB_TYPE', 'Invalid job type', {}) };
  const invalid = await referenceError(c, handler, body);
  if (invalid) return { ok: false, error: invalid };
  const input = JSON.stringify(body.data);
  const inline = fitsInline(input);
  const job: NewJob = {
    id: crypto.randomUUID(),
    type: handler.type,
    priority: body.priority,
    ...jobSize(handler, body.data),
    runAtMs: startTime(body, Date.now()),
    dependsOn: body.dependsOn ?? [],
    retryOf,
    callbackUrl: body.callbackUrl ?? null,
    input: inline ? input : null,
    awaitingInput: !inline,
  };
  return { ok: true, job, input };
}

/**
 * After admission (so a refused job writes nothing): a big input goes to R2, and the job may start
 * once the coordinator is told it is there. Refusals become the contract's errors.
 */
async function settle(c: Context<AppEnv>, job: NewJob, input: string, enqueued: EnqueueResult): Promise<SubmitOutcome> {
  if (enqueued.ok && !enqueued.replayed && job.awaitingInput) {
    const tenant = c.get('tenant');
    await c.env.BLOBS.put(jobInputKey(tenant, job.id), input, { httpMetadata: { contentType: 'application/json' } });
    await coordinatorFor(c.env, tenant).inputStored(job.id);
  }
  if (enqueued.ok) return enqueued;
  return { ok: false, error: refusal(enqueued) };
}

/** One job submission after its schema passed. Expected refusals come back as data. */
export async function submitJob(
  c: Context<AppEnv>,
  body: CreateJobInput,
  options: { idempotency: IdempotencyClaim | null; retryOf: string | null },
): Promise<SubmitOutcome> {
  const prepared = await prepareJob(c, body, options.retryOf);
  if (!prepared.ok) return prepared;
  const tenant = c.get('tenant');
  const enqueued = await coordinatorFor(c.env, tenant).enqueue(tenant, prepared.job, actorOf(c), options.idempotency);
  return settle(c, prepared.job, prepared.input, enqueued);
}

/** POST /jobs/bulk: each job checked as POST /jobs would check it, all admitted in one coordinator call. */
export async function submitJobs(c: Context<AppEnv>, bodies: CreateJobInput[]): Promise<SubmitOutcome[]> {
  const prepared: Prepared[] = [];
  for (const body of bodies) prepared.push(await prepareJob(c, body, null));
  const ready = prepared.flatMap((p) => (p.ok ? [p] : []));
  const tenant = c.get('tenant');
  const enqueued = ready.length > 0 ? await coordinatorFor(c.env, tenant).enqueueMany(tenant, ready.map((p) => p.job), actorOf(c)) : [];
  const outcomes: SubmitOutcome[] = [];
  let next = 0;
  for (const p of prepared) {
    if (!p.ok) {
      outcomes.push(p);
      continue;
    }
    const answer = enqueued[next++];
    if (!answer) throw new Error('the coordinator answered fewer jobs than it was sent');
    outcomes.push(await settle(c, p.job, p.input, answer));
  }
  return outcomes;
}

function refusal(enqueued: Extract<EnqueueResult, { ok: false }>): ApiError {
  switch (enqueued.code) {
    case 'IDEMPOTENCY_CONFLICT':
      return new ApiError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was used with a different request body', { jobId: enqueued.jobId });
    case 'INVALID_REFERENCE':
      return new ApiError('INVALID_JOB_DATA', 'Invalid job data', { errors: enqueued.errors });
    case 'QUEUE_FULL':
      return new ApiError('QUEUE_FULL', 'The queue is full', { limit: enqueued.limit, retryAfter: enqueued.retryAfterSec }, enqueued.retryAfterSec);
    case 'RATE_LIMITED':
      return new ApiError(
        'RATE_LIMITED',
        'Too many jobs created; slow down',
        { limit: enqueued.limit, window: enqueued.window, retryAfter: enqueued.retryAfterSec },
        enqueued.retryAfterSec,
      );
  }
}
