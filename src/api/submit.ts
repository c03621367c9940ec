import type { Context } from 'hono';
import { loadConfig, type Config } from '../config.ts';
import type { JobRecord } from '../core/job-record.ts';
import { callbackUrlProblem } from '../core/webhooks.ts';
import type { Actor, IdempotencyClaim } from '../durable/coordinator/contract.ts';
import { coordinatorFor } from '../durable/coordinator-stub.ts';
import { handlerFor, jobSize, REGISTERED_TYPES } from '../handlers/registry.ts';
import type { JobHandler } from '../handlers/types.ts';
import { jobInputKey } from '../storage/job-blobs.ts';
import { fitsInline } from '../core/inline-payload.ts';
import type { AppEnv } from './context.ts';
import { ApiError, fieldErrors } from './errors.ts';
import { CreateJobBody } from './create-job-body.ts';
import type { CreateJobInput } from './schemas.ts';

/** A create-job body that failed its schema, in the contract's words. */
export function jobBodyError(issues: Parameters<typeof fieldErrors>[0]): ApiError {
  if (issues.some((issue) => issue.path.length === 1 && issue.path[0] === 'type')) {
    return new ApiError('INVALID_JOB_TYPE', 'Invalid job type', { allowedTypes: [...REGISTERED_TYPES] });
  }
  return new ApiError('INVALID_JOB_DATA', 'Invalid job data', { errors: fieldErrors(issues) });
}

/** Validates one job spec of a bulk call, as POST /jobs would. */
export function parseJobBody(value: unknown): { ok: true; body: CreateJobInput } | { ok: false; error: ApiError } {
  const parsed = CreateJobBody.safeParse(value);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, error: jobBodyError(parsed.error.issues) };
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

export type SubmitOutcome = { ok: true; job: JobRecord; replayed: boolean } | { ok: false; error: ApiError };

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

/**
 * One job submission after its schema passed: storage checks, admission in the coordinator (with
 * a small input kept there), a big input to R2. Expected refusals come back as data so a bulk
 * call can report them per item.
 */
export async function submitJob(
  c: Context<AppEnv>,
  body: CreateJobInput,
  options: { idempotency: IdempotencyClaim | null; retryOf: string | null },
): Promise<SubmitOutcome> {
  const handler = handlerFor(body.type);
  if (!handler) return { ok: false, error: new ApiError('INVALID_JOB_TYPE', 'Invalid job type', {}) };
  const tenant = c.get('tenant');
  const invalid = await referenceError(c, handler, body);
  if (invalid) return { ok: false, error: invalid };
  const id = crypto.randomUUID();
  const input = JSON.stringify(body.data);
  const inline = fitsInline(input);
  const coordinator = coordinatorFor(c.env, tenant);
  // Admission first: a refused job writes nothing. A big input goes to R2 after, and the job
  // may start once the coordinator is told it is there.
  const enqueued = await coordinator.enqueue(
    tenant,
    {
      id,
      type: handler.type,
      priority: body.priority,
      ...jobSize(handler, body.data),
      runAtMs: startTime(body, Date.now()),
      dependsOn: body.dependsOn ?? [],
      retryOf: options.retryOf,
      callbackUrl: body.callbackUrl ?? null,
      input: inline ? input : null,
      awaitingInput: !inline,
    },
    actorOf(c),
    options.idempotency,
  );
  if (enqueued.ok && !enqueued.replayed && !inline) {
    await c.env.BLOBS.put(jobInputKey(tenant, id), input, { httpMetadata: { contentType: 'application/json' } });
    await coordinator.inputStored(id);
  }
  if (enqueued.ok) return enqueued;
  switch (enqueued.code) {
    case 'IDEMPOTENCY_CONFLICT':
      return {
        ok: false,
        error: new ApiError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was used with a different request body', { jobId: enqueued.jobId }),
      };
    case 'INVALID_REFERENCE':
      return { ok: false, error: new ApiError('INVALID_JOB_DATA', 'Invalid job data', { errors: enqueued.errors }) };
    case 'QUEUE_FULL':
      return {
        ok: false,
        error: new ApiError('QUEUE_FULL', 'The queue is full', { limit: enqueued.limit, retryAfter: enqueued.retryAfterSec }, enqueued.retryAfterSec),
      };
    case 'RATE_LIMITED':
      return {
        ok: false,
        error: new ApiError(
          'RATE_LIMITED',
          'Too many jobs created; slow down',
          { limit: enqueued.limit, window: enqueued.window, retryAfter: enqueued.retryAfterSec },
          enqueued.retryAfterSec,
        ),
      };
  }
}
