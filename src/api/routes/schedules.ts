import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { checkCron } from '../../core/cron.ts';
import type { ScheduleRecord } from '../../durable/coordinator/contract.ts';
import { coordinatorFor } from '../../durable/coordinator-stub.ts';
import { handlerFor, jobSize } from '../../handlers/registry.ts';
import { scheduleInputKey } from '../../storage/job-blobs.ts';
import type { AppEnv } from '../context.ts';
import { ok } from '../ok.ts';
import { ApiError, echoId, quotaExceeded } from '../errors.ts';
import { errors, json, JSON_BODY, security } from '../openapi.ts';
import { CreateScheduleBody, DeletedSchedule, IdParams, ScheduleView } from '../schemas.ts';
import { actorOf, parseJobBody, referenceError } from '../submit.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function view(s: ScheduleRecord): z.infer<typeof ScheduleView> {
  return {
    id: s.id,
    cron: s.cron,
    timezone: s.timezone,
    job: { type: s.type, priority: s.priority },
    nextRunAt: iso(s.nextRunMs),
    lastRunAt: iso(s.lastRunMs),
    fired: s.fired,
    refused: s.refused,
    createdAt: new Date(s.createdMs).toISOString(),
  };
}

const notFound = (id: string) => new ApiError('NOT_FOUND', 'Schedule not found', echoId('scheduleId', id));
const invalid = (errorsList: { field: string; message: string }[]) => new ApiError('INVALID_REQUEST', 'Invalid schedule', { errors: errorsList });
const ONE_OFF_OPTIONS = ['runAt', 'delay', 'dependsOn', 'callbackUrl'] as const;
/** A schedule's job data is copied into every firing: kept small. */
const MAX_SCHEDULE_DATA_BYTES = 1024 * 1024;
const encoder = new TextEncoder();

const create = createRoute({
  method: 'post',
  path: '/schedules',
  summary: 'Create a recurring schedule: each firing creates an ordinary job',
  description:
    `The job's \`data\` is at most ${MAX_SCHEDULE_DATA_BYTES} bytes as JSON (413 PAYLOAD_TOO_LARGE). A tenant has at most ` +
    'MAX_SCHEDULES schedules (429 QUOTA_EXCEEDED with Retry-After; delete one first).',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: CreateScheduleBody } } } },
  responses: { 201: json(ScheduleView, 'The schedule'), ...errors('INVALID_REQUEST', 'INVALID_JOB_TYPE', 'INVALID_JOB_DATA', JSON_BODY, 'QUOTA_EXCEEDED') },
});
const list = createRoute({
  method: 'get',
  path: '/schedules',
  summary: 'List schedules',
  security,
  responses: { 200: json(z.object({ schedules: z.array(ScheduleView) }), 'Schedules'), ...errors() },
});
const get = createRoute({
  method: 'get',
  path: '/schedules/{id}',
  summary: 'Get a schedule',
  security,
  request: { params: IdParams },
  responses: { 200: json(ScheduleView, 'The schedule'), ...errors('NOT_FOUND') },
});
const remove = createRoute({
  method: 'delete',
  path: '/schedules/{id}',
  summary: 'Delete a schedule (jobs it created are kept)',
  security,
  request: { params: IdParams },
  responses: { 200: json(DeletedSchedule, 'Deleted'), ...errors('NOT_FOUND') },
});

export const scheduleRoutes = new OpenAPIHono<AppEnv>()
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const cron = checkCron(body.cron, body.timezone);
    if (!cron.ok) throw invalid([{ field: cron.field, message: cron.message }]);
    const job = body.job;
    const options = typeof job === 'object' && job !== null ? ONE_OFF_OPTIONS.filter((k) => k in job) : [];
    if (options.length > 0) throw invalid(options.map((k) => ({ field: `job.${k}`, message: 'Not supported on a schedule' })));
    const parsed = parseJobBody(job);
    if (!parsed.ok) throw parsed.error;
    const tenant = c.get('tenant');
    const handler = handlerFor(parsed.body.type);
    if (!handler) throw new ApiError('INVALID_JOB_TYPE', 'Invalid job type', {});
    const invalidJob = await referenceError(c, handler, parsed.body);
    if (invalidJob) throw invalidJob;
    const dataJson = JSON.stringify(parsed.body.data);
    if (encoder.encode(dataJson).byteLength > MAX_SCHEDULE_DATA_BYTES) {
      throw new ApiError('PAYLOAD_TOO_LARGE', "The schedule's job data is too large", { field: 'job.data', limitBytes: MAX_SCHEDULE_DATA_BYTES });
    }
    const id = crypto.randomUUID();
    const key = scheduleInputKey(tenant, id);
    await c.env.BLOBS.put(key, dataJson, { httpMetadata: { contentType: 'application/json' } });
    const created = await coordinatorFor(c.env, tenant).createSchedule(
      tenant,
      { id, cron: body.cron, timezone: body.timezone, job: { type: handler.type, priority: parsed.body.priority, size: jobSize(handler, parsed.body.data) } },
      actorOf(c),
    );
    if (!created.ok) {
      c.executionCtx.waitUntil(c.env.BLOBS.delete(key));
      throw quotaExceeded('schedules', created.limit, 60);
    }
    const schedule = created.schedule;
    c.header('Location', `/api/v1/schedules/${schedule.id}`);
    return ok(c, view(schedule), 201);
  })
  .openapi(list, async (c) => {
    const schedules = await coordinatorFor(c.env, c.get('tenant')).listSchedules();
    return ok(c, { schedules: schedules.map(view) }, 200);
  })
  .openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    const schedule = await coordinatorFor(c.env, c.get('tenant')).schedule(id);
    if (!schedule) throw notFound(id);
    return ok(c, view(schedule), 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await coordinatorFor(c.env, c.get('tenant')).deleteSchedule(id, actorOf(c)))) throw notFound(id);
    return ok(c, { id, deleted: true }, 200);
  });
