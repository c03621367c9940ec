import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { loadConfig, type Config } from '../../config.ts';
import type { JobRecord } from '../../core/job-record.ts';
import { coordinatorFor } from '../../queue/consumer.ts';
import { handlerFor } from '../../handlers/registry.ts';
import { deleteJobBlobs, jobInputKey, readResultItems } from '../../storage/job-blobs.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { presentJob, progressOf, storedResult, summarizeJob } from '../present.ts';
import {
  CreatedJob,
  CreateJobBody,
  envelope,
  ErrorEnvelopeSchema,
  JobIdParams,
  JobSummary,
  JobView,
  ListJobsQuery,
  ResultPage,
  ResultPageQuery,
  StatsView,
  WaitBody,
} from '../schemas.ts';

const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [status, { description: 'Error', content: { 'application/json': { schema: ErrorEnvelopeSchema } } }]),
  );

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema: envelope(schema) } },
});

const security = [{ bearerAuth: [] }];

function ttlFor(job: JobRecord, config: Config): number | null {
  if (job.status === 'completed' || job.status === 'cancelled') return config.completedJobTtlMs;
  if (job.status === 'failed') return config.failedJobTtlMs;
  return null;
}

function notFound(id: string): ApiError {
  return new ApiError('JOB_NOT_FOUND', 'Job not found', { jobId: id });
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
  request: { body: { required: true, content: { 'application/json': { schema: CreateJobBody } } } },
  responses: { 201: json(CreatedJob, 'The job was accepted'), ...errors(400, 401, 413, 415, 429, 503) },
});

const getJob = createRoute({
  method: 'get',
  path: '/jobs/{id}',
  summary: 'Get job status, progress and result',
  security,
  request: { params: JobIdParams },
  responses: { 200: json(JobView, 'The job'), ...errors(401, 404) },
});

const listJobs = createRoute({
  method: 'get',
  path: '/jobs',
  summary: 'List jobs, newest first',
  security,
  request: { query: ListJobsQuery },
  responses: {
    200: json(z.object({ jobs: z.array(JobSummary), total: z.number(), page: z.number(), limit: z.number() }), 'A page of jobs'),
    ...errors(400, 401),
  },
});

const cancelJob = createRoute({
  method: 'delete',
  path: '/jobs/{id}',
  summary: 'Cancel a pending or running job',
  description: 'Pending jobs are cancelled at once (200); running jobs stop at their next checkpoint (202).',
  security,
  request: { params: JobIdParams },
  responses: {
    200: { description: 'Cancelled', content: { 'application/json': { schema: envelope(JobSummary).extend({ message: z.string() }) } } },
    202: { description: 'Cancellation requested', content: { 'application/json': { schema: envelope(JobSummary).extend({ message: z.string() }) } } },
    ...errors(401, 404, 409),
  },
});

const stats = createRoute({
  method: 'get',
  path: '/jobs/stats/summary',
  summary: 'Queue statistics for your tenant',
  security,
  responses: { 200: json(StatsView, 'Statistics'), ...errors(401) },
});

const waitJob = createRoute({
  method: 'post',
  path: '/jobs/{id}/wait',
  summary: 'Wait until the job completes, fails or is cancelled',
  description: 'Answers the moment the job reaches a terminal state, or 408 JOB_TIMEOUT at the deadline.',
  security,
  request: { params: JobIdParams, body: { required: false, content: { 'application/json': { schema: WaitBody } } } },
  responses: { 200: json(JobView, 'The finished job'), ...errors(400, 401, 404, 408) },
});

const resultPage = createRoute({
  method: 'get',
  path: '/jobs/{id}/result',
  summary: "Page through a completed job's per-item results",
  security,
  request: { params: JobIdParams, query: ResultPageQuery },
  responses: { 200: json(ResultPage, 'A page of results'), ...errors(400, 401, 404, 409) },
});

export const jobRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createJob, async (c) => {
    const body = c.req.valid('json');
    const handler = handlerFor(body.type);
    if (!handler) throw new ApiError('INTERNAL_ERROR', 'Internal error');
    const tenant = c.get('tenant');
    const problems = (await handler.validate?.(body.data, { env: c.env, tenant })) ?? [];
    if (problems.length > 0) throw new ApiError('INVALID_JOB_DATA', 'Invalid job data', { errors: problems });
    const id = crypto.randomUUID();
    await c.env.BLOBS.put(jobInputKey(tenant, id), JSON.stringify(body.data), {
      httpMetadata: { contentType: 'application/json' },
    });
    const enqueued = await coordinatorFor(c.env, tenant).enqueue(tenant, {
      id,
      type: handler.type,
      priority: body.priority,
      totalItems: handler.totalItems(body.data),
      estimatedMs: handler.estimateTime(body.data),
      estimatedMemoryBytes: handler.estimateMemory(body.data),
    });
    if (!enqueued.ok) {
      c.executionCtx.waitUntil(deleteJobBlobs(c.env.BLOBS, tenant, id));
      const { ok: _ok, code, retryAfterSec, ...details } = enqueued;
      const message = code === 'QUEUE_FULL' ? 'The queue is full' : 'Too many jobs created; slow down';
      throw new ApiError(code, message, { ...details, retryAfter: retryAfterSec }, retryAfterSec);
    }
    const job = enqueued.job;
    c.header('Location', `/api/v1/jobs/${job.id}`);
    return c.json(
      {
        success: true as const,
        data: { jobId: job.id, type: job.type, status: job.status, priority: job.priority, createdAt: new Date(job.createdMs).toISOString() },
        timestamp: new Date().toISOString(),
      },
      201,
    );
  })
  .openapi(stats, async (c) => {
    const data = await coordinatorFor(c.env, c.get('tenant')).stats();
    return c.json({ success: true as const, data, timestamp: new Date().toISOString() }, 200);
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
    return c.json(
      { success: true as const, data: { jobs: jobs.map(summarizeJob), total, page: q.page, limit: q.limit }, timestamp: new Date().toISOString() },
      200,
    );
  })
  .openapi(getJob, async (c) => {
    const { id } = c.req.valid('param');
    const job = await coordinatorFor(c.env, c.get('tenant')).getJob(id);
    if (!job) throw notFound(id);
    return c.json({ success: true as const, data: await viewOf(c, job), timestamp: new Date().toISOString() }, 200);
  })
  .openapi(cancelJob, async (c) => {
    const { id } = c.req.valid('param');
    const outcome = await coordinatorFor(c.env, c.get('tenant')).cancel(id);
    if (!outcome.ok) {
      if (outcome.code === 'JOB_NOT_FOUND') throw notFound(id);
      throw new ApiError('JOB_NOT_CANCELLABLE', 'Job not found or cannot be cancelled', { currentStatus: outcome.currentStatus });
    }
    const data = summarizeJob(outcome.job);
    const timestamp = new Date().toISOString();
    if (outcome.job.status === 'cancelled') {
      return c.json({ success: true as const, message: 'Job cancelled successfully', data, timestamp }, 200);
    }
    return c.json({ success: true as const, message: 'Cancellation requested; the job stops at its next checkpoint', data, timestamp }, 202);
  })
  .openapi(waitJob, async (c) => {
    const { id } = c.req.valid('param');
    const { timeout } = WaitBody.parse(c.req.valid('json'));
    const outcome = await coordinatorFor(c.env, c.get('tenant')).wait(id, timeout);
    if (!outcome.ok) throw notFound(id);
    if (!outcome.terminal) {
      throw new ApiError('JOB_TIMEOUT', 'Job timeout', {
        jobId: id,
        currentStatus: outcome.job.status,
        currentProgress: progressOf(outcome.job),
      });
    }
    return c.json({ success: true as const, data: await viewOf(c, outcome.job), timestamp: new Date().toISOString() }, 200);
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
    return c.json({ success: true as const, data: { offset, limit, total, results, nextOffset }, timestamp: new Date().toISOString() }, 200);
  });
