import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isTerminal } from '../../core/job-types.ts';
import { datasetStoreFor, MAX_READ_LIMIT, type Owned } from '../../durable/dataset-store.ts';
import { coordinatorFor } from '../../queue/consumer.ts';
import { datasetMarkerKey, datasetsPrefix } from '../../storage/file-keys.ts';
import type { AppEnv } from '../context.ts';
import { ApiError, fieldErrors } from '../errors.ts';
import { errors, json, security } from '../openapi.ts';

type Ctx = Context<AppEnv>;

const ok = <T>(c: Ctx, data: T) => c.json({ success: true as const, data, timestamp: new Date().toISOString() }, 200);

function notFound(id: string): ApiError {
  return new ApiError('DATASET_NOT_FOUND', 'Dataset not found', { datasetId: id });
}

function datasetId(c: Ctx): string {
  const id = c.req.param('id') ?? '';
  if (!z.uuid().safeParse(id).success) throw notFound(id);
  return id;
}

function owned<T>(id: string, answer: Owned<T>): T {
  if (!answer.ok) throw notFound(id);
  return answer.value;
}

function query<T extends z.ZodType>(c: Ctx, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid query parameters', { errors: fieldErrors(parsed.error.issues) });
  return parsed.data;
}

const ListQuery = z.strictObject({
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const RecordsQuery = z.strictObject({
  cursor: z.string().max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_READ_LIMIT).default(100),
  sentiment: z.enum(['positive', 'negative', 'neutral']).optional(),
  start: z.iso.datetime({ offset: true }).optional(),
  end: z.iso.datetime({ offset: true }).optional(),
});

/** Typed as OpenAPIHono, for its registry: the chained routes below are typed as plain Hono. */
const datasetApi = new OpenAPIHono<AppEnv>();

export const datasetRoutes = datasetApi
  .get('/datasets', async (c) => {
    const { cursor, limit } = query(c, ListQuery);
    const tenant = c.get('tenant');
    const prefix = datasetsPrefix(tenant);
    const page = await c.env.BLOBS.list({ prefix, limit, ...(cursor ? { cursor } : {}) });
    const datasets = await Promise.all(
      page.objects.map(async (marker) => {
        const id = marker.key.slice(prefix.length);
        const summary = await datasetStoreFor(c.env, tenant, id).summary(tenant);
        if (!summary.ok) return null; // marked, but its job has not written yet
        const { recordCount, counts, createdAt, updatedAt } = summary.value;
        return { datasetId: id, recordCount, counts, createdAt, updatedAt };
      }),
    );
    return ok(c, { datasets: datasets.filter((d) => d !== null), cursor: page.truncated ? page.cursor : null });
  })
  .get('/datasets/:id', async (c) => {
    const id = datasetId(c);
    const tenant = c.get('tenant');
    const summary = owned(id, await datasetStoreFor(c.env, tenant, id).summary(tenant));
    return ok(c, { datasetId: id, ...summary });
  })
  .get('/datasets/:id/records', async (c) => {
    const id = datasetId(c);
    const q = query(c, RecordsQuery);
    const tenant = c.get('tenant');
    const page = owned(
      id,
      await datasetStoreFor(c.env, tenant, id).readRecords(tenant, {
        sentiment: q.sentiment,
        start: q.start,
        end: q.end,
        afterKey: q.cursor,
        limit: q.limit,
      }),
    );
    return ok(c, { datasetId: id, records: page.records, cursor: page.nextKey });
  })
  .delete('/datasets/:id', async (c) => {
    const id = datasetId(c);
    const tenant = c.get('tenant');
    const store = datasetStoreFor(c.env, tenant, id);
    const writers = owned(id, await store.writers(tenant));
    const coordinator = coordinatorFor(c.env, tenant);
    const jobs = await Promise.all(writers.map((jobId) => coordinator.getJob(jobId)));
    const busy = jobs.flatMap((job) => (job && !isTerminal(job.status) ? [job.id] : []));
    if (busy.length > 0) {
      throw new ApiError('DATASET_BUSY', 'A job is writing to this dataset; cancel it or wait for it to finish', { datasetId: id, jobIds: busy });
    }
    const deleted = owned(id, await store.destroy(tenant));
    await c.env.BLOBS.delete(datasetMarkerKey(tenant, id));
    return ok(c, { datasetId: id, deleted: true, deletedRecords: deleted.deletedRecords });
  });

// Plain routes (ids are checked by hand, to answer DATASET_NOT_FOUND); their contract is documented here.
const DatasetIdParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
const Counts = z.record(z.string(), z.number().int()).openapi({ description: 'Records by sentiment, and `unanalyzed`' });
const DatasetSummary = z.object({
  datasetId: z.string(),
  recordCount: z.number().int(),
  counts: Counts,
  columns: z.array(z.string()),
  sources: z.array(z.object({ file: z.string(), format: z.string(), jobId: z.string(), records: z.number().int(), updatedAt: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const DatasetRecord = z
  .object({
    id: z.string(),
    text: z.string(),
    sentiment: z.string().nullable(),
    score: z.number().nullable(),
    confidence: z.number().nullable(),
    createdAt: z.string(),
    source: z.object({ file: z.string(), line: z.number().int() }),
    fields: z.record(z.string(), z.unknown()),
  })
  .openapi('DatasetRecord');

datasetApi.openAPIRegistry.registerPath({
  method: 'get',
  path: '/datasets',
  summary: 'List datasets with record counts',
  security,
  request: { query: ListQuery },
  responses: {
    200: json(
      z.object({
        datasets: z.array(DatasetSummary.pick({ datasetId: true, recordCount: true, counts: true, createdAt: true, updatedAt: true })),
        cursor: z.string().nullable(),
      }),
      'A page of datasets',
    ),
    ...errors(400, 401),
  },
});
datasetApi.openAPIRegistry.registerPath({
  method: 'get',
  path: '/datasets/{id}',
  summary: 'A dataset: record count, counts by sentiment, columns, source files',
  security,
  request: { params: DatasetIdParams },
  responses: { 200: json(DatasetSummary, 'The dataset'), ...errors(401, 404) },
});
datasetApi.openAPIRegistry.registerPath({
  method: 'get',
  path: '/datasets/{id}/records',
  summary: 'Records in createdAt order, keyset-paginated',
  security,
  request: { params: DatasetIdParams, query: RecordsQuery },
  responses: {
    200: json(z.object({ datasetId: z.string(), records: z.array(DatasetRecord), cursor: z.string().nullable() }), 'A page of records'),
    ...errors(400, 401, 404),
  },
});
datasetApi.openAPIRegistry.registerPath({
  method: 'delete',
  path: '/datasets/{id}',
  summary: 'Delete every record of a dataset',
  security,
  request: { params: DatasetIdParams },
  responses: {
    200: json(z.object({ datasetId: z.string(), deleted: z.boolean(), deletedRecords: z.number().int() }), 'Deleted'),
    ...errors(401, 404, 409),
  },
});
