import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { loadConfig } from '../../config.ts';
import type { JobRecord } from '../../core/job-record.ts';
import type { AdmittedJob, IdempotencyClaim } from '../../durable/coordinator/contract.ts';
import { coordinatorFor } from '../../durable/coordinator-stub.ts';
import { handlerFor } from '../../handlers/registry.ts';
import { jobInputKey, readResultItems } from '../../storage/job-blobs.ts';
import type { AppEnv } from '../context.ts';
import { ok, okWithMessage } from '../ok.ts';
import { ApiError, echoId, errorEnvelope, quotaExceeded } from '../errors.ts';
import { actorOf, parseJobBody, submitJob, submitJobs } from '../submit.ts';
import { CreateJobBody } from '../create-job-body.ts';
import { errors, json, JSON_BODY, security } from '../openapi.ts';
import { presentJob, progressOf, storedResult, summarizeJob, ttlFor } from '../../core/job-view.ts';
import { serveObject } from '../serve-object.ts';
import {
  CreatedJob,
  envelope,
  IdParams,
  JobSummary,
  JobView,
  ListJobsQuery,
  AuditEventSchema,
  BulkCancelBody,
  BulkCancelResult,
  BulkCreateBody,
  BulkCreateResult,
  type CreateJobInput,
  ResultPage,
  ResultPageQuery,
  RetriedJob,
  StatsView,
  WaitBody,
} from '../schemas.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

async function idempotencyOf(c: Context<AppEnv>, body: CreateJobInput): Promise<IdempotencyClaim | null> {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError('INVALID_REQUEST', 'Invalid Idempotency-Key header', {
      errors: [{ field: 'Idempotency-Key', message: 'Use 1 to 255 visible ASCII characters' }],
    });
  }
  // The validated body, defaults included: formatting and key order do not make a new request.
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(body)));
  return { key, bodyHash: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') };
}

function createdView(job: AdmittedJob) {
  return { jobId: job.id, type: job.type, status: job.status, priority: job.priority, createdAt: new Date(job.createdMs).toISOString() };
}

/** Waits and streams end on their own within minutes: a slot is worth retrying soon. */
const HELD_OPEN_RETRY_AFTER_SEC = 5;

function notFound(id: string): ApiError {
  return new ApiError('JOB_NOT_FOUND', 'Job not found', echoId('jobId', id));
}

/** The job as the API shows it, with the first page of a completed job's items inlined. */
async function viewOf(c: Context<AppEnv>, job: JobRecord) {
  const config = loadConfig(c.env);
  const stored = storedResult(job);
  let result: Record<string, unknown> | undefined;
  if (stored) {
    result = { ...stored.summary };
    if (stored.items) {
      const limit = config.resultInlineLimit;
      result.results = await readResultItems(c.env.BLOBS, c.get('tenant'), job.id, stored.items, 0, limit);
      if (stored.items.total > limit) {
        result.resultsPage = { offset: 0, limit, total: stored.items.total, nextOffset: limit, next: `/api/v1/jobs/${job.id}/result?offset=${limit}&limit=${limit}` };
      }
    }
  }
  return presentJob(job, { nowMs: Date.now(), ttlMs: ttlFor(job, config), ...(result ? { result } : {}) });
}

const createJob = createRoute({
  method: 'post',
  path: '/jobs',
  summary: 'Create a job',
  security,
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({
        description: 'Same key and body within 24 h returns the original job (200, Idempotent-Replayed: true); a different body is 409',
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: CreateJobBody } } },
  },
  responses: {
    200: json(CreatedJob, 'A replay of an earlier request with the same Idempotency-Key'),
    201: json(CreatedJob, 'The job was accepted'),
    ...errors('INVALID_JOB_TYPE', 'INVALID_JOB_DATA', 'INVALID_REQUEST', JSON_BODY, 'IDEMPOTENCY_CONFLICT', 'QUEUE_FULL', 'RATE_LIMITED'),
  },
});

const getJob = createRoute({
  method: 'get',
  path: '/jobs/{id}',
  summary: 'Get job status, progress and result',
  security,
  request: { params: IdParams },
  responses: { 200: json(JobView, 'The job'), ...errors('JOB_NOT_FOUND') },
});

const listJobs = createRoute({
  method: 'get',
  path: '/jobs',
  summary: 'List jobs, newest first',
  security,
  request: { query: ListJobsQuery },
  responses: {
    200: json(z.object({ jobs: z.array(JobSummary), total: z.number(), page: z.number(), limit: z.number() }), 'A page of jobs'),
    ...errors('INVALID_REQUEST'),
  },
});

const cancelJob = createRoute({
  method: 'delete',
  path: '/jobs/{id}',
  summary: 'Cancel a pending or running job',
  description: 'Pending jobs are cancelled at once (200); running jobs stop at their next checkpoint (202).',
  security,
  request: { params: IdParams },
  responses: {
    200: { description: 'Cancelled', content: { 'application/json': { schema: envelope(JobSummary).extend({ message: z.string() }) } } },
    202: { description: 'Cancellation requested', content: { 'application/json': { schema: envelope(JobSummary).extend({ message: z.string() }) } } },
    ...errors('JOB_NOT_FOUND', 'JOB_NOT_CANCELLABLE'),
  },
});

const stats = createRoute({
  method: 'get',
  path: '/jobs/stats/summary',
  summary: 'Queue statistics for your tenant',
  security,
  responses: { 200: json(StatsView, 'Statistics'), ...errors() },
});

const waitJob = createRoute({
  method: 'post',
  path: '/jobs/{id}/wait',
  summary: 'Wait until the job completes, fails or is cancelled',
  description:
    'Answers the moment the job reaches a terminal state, or 408 JOB_TIMEOUT at the deadline. Past the cap of waits ' +
    'held open per tenant (MAX_WAITERS), 429 QUOTA_EXCEEDED with Retry-After.',
  security,
  request: { params: IdParams, body: { required: false, content: { 'application/json': { schema: WaitBody } } } },
  responses: { 200: json(JobView, 'The finished job'), ...errors('INVALID_REQUEST', JSON_BODY, 'JOB_NOT_FOUND', 'JOB_TIMEOUT', 'QUOTA_EXCEEDED') },
});

const resultPage = createRoute({
  method: 'get',
  path: '/jobs/{id}/result',
  summary: "Page through a completed job's per-item results",
  security,
  request: { params: IdParams, query: ResultPageQuery },
  responses: { 200: json(ResultPage, 'A page of results'), ...errors('INVALID_REQUEST', 'JOB_NOT_FOUND', 'RESULT_NOT_READY') },
});

// Plain schemas, as binary() in openapi.ts: the file is bytes in the format's own media type.
const fileBytes = { schema: { type: 'string' as const, format: 'binary' } };
const exportFile = {
  'text/csv': fileBytes,
  'application/json': fileBytes,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': fileBytes,
};

const download = createRoute({
  method: 'get',
  path: '/jobs/{id}/download',
  summary: "Download a completed data_export job's file or security_scan job's findings report",
  description:
    'Streams the file with its Content-Type and `Content-Disposition: attachment; filename=…`. One `Range: bytes=…` ' +
    'is honoured (206 with Content-Range; 416 RANGE_NOT_SATISFIABLE outside the file; several ranges send the whole file). ' +
    'Unknown ids and other tenants\' jobs are 404; a job of another type is 409 NOT_AN_EXPORT, a job that has not ' +
    'completed 409 RESULT_NOT_READY. A security_scan report is `security-scan-{id}.json`: the result summary plus ' +
    'every detailed finding (masked previews only). The file is deleted with the job when its TTL ends (`expiresAt`).',
  security,
  request: { params: IdParams, headers: z.object({ range: z.string().optional().openapi({ example: 'bytes=0-1023' }) }) },
  responses: {
    200: { description: 'The file', content: exportFile },
    206: { description: 'The requested range of the file', content: exportFile },
    ...errors('JOB_NOT_FOUND', 'NOT_AN_EXPORT', 'RESULT_NOT_READY', 'RANGE_NOT_SATISFIABLE'),
  },
});

const history = createRoute({
  method: 'get',
  path: '/jobs/{id}/history',
  summary: "A job's audit trail: every state change and client action, oldest first",
  security,
  request: { params: IdParams },
  responses: { 200: json(z.object({ jobId: z.string(), events: z.array(AuditEventSchema) }), 'The trail'), ...errors('JOB_NOT_FOUND') },
});

const events = createRoute({
  method: 'get',
  path: '/jobs/{id}/events',
  summary: 'Live job events (Server-Sent Events)',
  description:
    'Sends the current state first, then `status`, `progress` and a final `completed` | `failed` | `cancelled` event, ' +
    'then closes. Event ids number the job\'s states; reconnect with `Last-Event-ID` to skip a state already seen. ' +
    'Heartbeat comments every 15 s. Past the cap of open streams per tenant (MAX_EVENT_STREAMS), 429 QUOTA_EXCEEDED with Retry-After.',
  security,
  request: {
    params: IdParams,
    headers: z.object({ 'last-event-id': z.string().regex(/^\d{1,15}$/).optional() }),
  },
  responses: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errors('INVALID_REQUEST', 'JOB_NOT_FOUND', 'QUOTA_EXCEEDED') },
});

const bulkCreate = createRoute({
  method: 'post',
  path: '/jobs/bulk',
  summary: 'Create up to 100 jobs in one call',
  description:
    'Each item is validated and admitted on its own (admission limits count each job). Always answers 207 with one ' +
    'entry per item, in order: `{index, success: true, jobId, status}` or `{index, success: false, error, details}`.',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: BulkCreateBody } } } },
  responses: {
    207: json(BulkCreateResult, 'Per-item outcomes'),
    ...errors('INVALID_REQUEST', JSON_BODY),
  },
});

const bulkCancel = createRoute({
  method: 'post',
  path: '/jobs/cancel',
  summary: 'Cancel every job that matches a filter',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: BulkCancelBody } } } },
  responses: {
    200: json(BulkCancelResult, 'Counts'),
    ...errors('INVALID_REQUEST', JSON_BODY),
  },
});

const retryJob = createRoute({
  method: 'post',
  path: '/jobs/{id}/retry',
  summary: 'Re-run a failed or cancelled job with the same input, as a new job linked both ways',
  security,
  request: { params: IdParams },
  responses: { 201: json(RetriedJob, 'The new job'), ...errors('JOB_NOT_FOUND', 'JOB_NOT_RETRYABLE', 'INVALID_JOB_DATA', 'QUEUE_FULL', 'RATE_LIMITED') },
});

export const jobRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createJob, async (c) => {
    const body = c.req.valid('json');
    const outcome = await submitJob(c, body, { idempotency: await idempotencyOf(c, body), retryOf: null });
    if (!outcome.ok) throw outcome.error;
    const { job, replayed } = outcome;
    c.header('Location', `/api/v1/jobs/${job.id}`);
    if (replayed) {
      c.header('Idempotent-Replayed', 'true');
      return ok(c, createdView(job), 200);
    }
    return ok(c, createdView(job), 201);
  })
  .openapi(bulkCreate, async (c) => {
    const parsed = c.req.valid('json').jobs.map((item) => parseJobBody(item));
    const submitted = await submitJobs(c, parsed.flatMap((p) => (p.ok ? [p.body] : [])));
    let next = 0;
    const results = parsed.map((p, index) => {
      const outcome = p.ok ? submitted[next++] : p;
      if (!outcome) throw new Error('fewer outcomes than submitted jobs');
      return outcome.ok
        ? { index, success: true, jobId: outcome.job.id, status: outcome.job.status }
        : { index, success: false, error: outcome.error.message, details: errorEnvelope(outcome.error).details };
    });
    const created = results.filter((r) => r.success).length;
    return ok(c, { created, failed: results.length - created, results }, 207);
  })
  .openapi(bulkCancel, async (c) => {
    const data = await coordinatorFor(c.env, c.get('tenant')).cancelMany(c.req.valid('json'), actorOf(c));
    return ok(c, data, 200);
  })
  .openapi(retryJob, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = c.get('tenant');
    const coordinator = coordinatorFor(c.env, tenant);
    const original = await coordinator.getJob(id);
    if (!original) throw notFound(id);
    if (original.status !== 'failed' && original.status !== 'cancelled') {
      throw new ApiError('JOB_NOT_RETRYABLE', 'Only a failed or cancelled job can be retried', { jobId: id, currentStatus: original.status });
    }
    const inline = await coordinator.input(id);
    const stored = inline === null ? await c.env.BLOBS.get(jobInputKey(tenant, id)) : null;
    if (inline === null && !stored) throw new ApiError('JOB_NOT_RETRYABLE', 'The job input is no longer stored', { jobId: id, currentStatus: original.status });
    const data: unknown = inline === null ? await stored?.json() : JSON.parse(inline);
    const parsed = parseJobBody({ type: original.type, data, priority: original.priority });
    const outcome = parsed.ok ? await submitJob(c, parsed.body, { idempotency: null, retryOf: id }) : parsed;
    if (!outcome.ok) throw outcome.error;
    c.header('Location', `/api/v1/jobs/${outcome.job.id}`);
    return ok(c, { ...createdView(outcome.job), retryOf: id }, 201);
  })
  .openapi(stats, async (c) => {
    const data = await coordinatorFor(c.env, c.get('tenant')).stats();
    return ok(c, data, 200);
  })
  .openapi(listJobs, async (c) => {
    const q = c.req.valid('query');
    const { jobs, total } = await coordinatorFor(c.env, c.get('tenant')).listJobs({
      status: q.status,
      type: q.type,
      priority: q.priority,
      limit: q.limit,
      offset: (q.page - 1) * q.limit,
    });
    return ok(c, { jobs: jobs.map(summarizeJob), total, page: q.page, limit: q.limit }, 200);
  })
  .openapi(getJob, async (c) => {
    const { id } = c.req.valid('param');
    const job = await coordinatorFor(c.env, c.get('tenant')).getJob(id);
    if (!job) throw notFound(id);
    return ok(c, await viewOf(c, job), 200);
  })
  .openapi(cancelJob, async (c) => {
    const { id } = c.req.valid('param');
    const outcome = await coordinatorFor(c.env, c.get('tenant')).cancel(id, actorOf(c));
    if (!outcome.ok) {
      if (outcome.code === 'JOB_NOT_FOUND') throw notFound(id);
      throw new ApiError('JOB_NOT_CANCELLABLE', 'Job not found or cannot be cancelled', { currentStatus: outcome.currentStatus });
    }
    const data = summarizeJob(outcome.job);
    if (outcome.job.status === 'cancelled') {
      return okWithMessage(c, 'Job cancelled successfully', data, 200);
    }
    return okWithMessage(c, 'Cancellation requested; the job stops at its next checkpoint', data, 202);
  })
  .openapi(waitJob, async (c) => {
    const { id } = c.req.valid('param');
    const { timeout } = WaitBody.parse(c.req.valid('json'));
    const outcome = await coordinatorFor(c.env, c.get('tenant')).wait(id, timeout, actorOf(c));
    if (!outcome.ok) throw outcome.code === 'QUOTA_EXCEEDED' ? quotaExceeded('waiters', outcome.limit, HELD_OPEN_RETRY_AFTER_SEC) : notFound(id);
    if (!outcome.terminal) {
      throw new ApiError('JOB_TIMEOUT', 'Job timeout', {
        jobId: id,
        currentStatus: outcome.job.status,
        currentProgress: progressOf(outcome.job),
      });
    }
    return ok(c, await viewOf(c, outcome.job), 200);
  })
  .openapi(resultPage, async (c) => {
    const { id } = c.req.valid('param');
    const { offset, limit } = c.req.valid('query');
    const tenant = c.get('tenant');
    const job = await coordinatorFor(c.env, tenant).getJob(id);
    if (!job) throw notFound(id);
    const stored = storedResult(job);
    if (!stored) {
      throw new ApiError('RESULT_NOT_READY', 'Only a completed job has a result', { jobId: id, currentStatus: job.status });
    }
    const total = stored.items?.total ?? 0;
    const results = stored.items ? await readResultItems(c.env.BLOBS, tenant, id, stored.items, offset, limit) : [];
    const nextOffset = offset + results.length < total ? offset + results.length : null;
    return ok(c, { offset, limit, total, results, nextOffset }, 200);
  })
  .openapi(download, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = c.get('tenant');
    const coordinator = coordinatorFor(c.env, tenant);
    const job = await coordinator.getJob(id);
    if (!job) throw notFound(id);
    const handler = handlerFor(job.type);
    if (!handler?.downloadKey) {
      throw new ApiError('NOT_AN_EXPORT', `A ${job.type} job has no file to download`, { jobId: id, type: job.type });
    }
    const stored = storedResult(job);
    const key = stored && handler.downloadKey(tenant, id, stored);
    if (!key) throw new ApiError('RESULT_NOT_READY', 'The job has not completed', { jobId: id, currentStatus: job.status });
    const response = await serveObject(c, key, () => notFound(id));
    await coordinator.recordAudit(tenant, 'export.download', actorOf(c), response.status === 206 ? 'partial' : 'served', id);
    return response;
  })
  .openapi(history, async (c) => {
    const { id } = c.req.valid('param');
    const events = await coordinatorFor(c.env, c.get('tenant')).history(id);
    if (!events) throw notFound(id);
    return ok(c, { jobId: id, events }, 200);
  })
  .openapi(events, async (c) => {
    const { id } = c.req.valid('param');
    const lastEventId = c.req.valid('header')['last-event-id'];
    const opened = await coordinatorFor(c.env, c.get('tenant')).events(id, lastEventId === undefined ? null : Number(lastEventId));
    if (!opened.ok) throw opened.code === 'QUOTA_EXCEEDED' ? quotaExceeded('eventStreams', opened.limit, HELD_OPEN_RETRY_AFTER_SEC) : notFound(id);
    return c.body(opened.stream, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  });
