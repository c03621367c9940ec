import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { isTerminal } from '../../core/job-types.ts';
import { datasetStoreFor, MAX_READ_LIMIT, RECORD_CURSOR, type Owned } from '../../durable/dataset-store.ts';
import { coordinatorFor } from '../../durable/coordinator-stub.ts';
import { datasetMarkerKey, datasetsPrefix } from '../../storage/file-keys.ts';
import type { AppEnv } from '../context.ts';
import { ok } from '../ok.ts';
import { ApiError, echoId } from '../errors.ts';
import { errors, json, security } from '../openapi.ts';
import { DatasetListItemSchema, DatasetRecordSchema, DatasetSchema, IdParams, SentimentLabelSchema } from '../schemas.ts';
import { actorOf } from '../submit.ts';

function notFound(id: string): ApiError {
  return new ApiError('DATASET_NOT_FOUND', 'Dataset not found', echoId('datasetId', id));
}

/** A malformed id names no dataset: 404, answered before the query is validated, as for any unknown id. */
const wellFormedId = createMiddleware<AppEnv>(async (c, next) => {
  const id = c.req.param('id') ?? '';
  if (!z.uuid().safeParse(id).success) throw notFound(id);
  await next();
});

function owned<T>(id: string, answer: Owned<T>): T {
  if (!answer.ok) throw notFound(id);
  return answer.value;
}

const ListQuery = z.strictObject({
  cursor: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const RecordsQuery = z.strictObject({
  cursor: z.string().regex(RECORD_CURSOR, 'Not a cursor this endpoint returned').optional().openapi({ description: 'cursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(MAX_READ_LIMIT).default(100),
  sentiment: SentimentLabelSchema.optional(),
  start: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only records created at or after this time' }),
  end: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only records created at or before this time' }),
});

const listDatasets = createRoute({
  method: 'get',
  path: '/datasets',
  summary: 'List datasets with their record counts',
  security,
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ datasets: z.array(DatasetListItemSchema), cursor: z.string().nullable() }), 'A page of datasets'),
    ...errors('INVALID_REQUEST'),
  },
});

const getDataset = createRoute({
  method: 'get',
  path: '/datasets/{id}',
  summary: 'Record counts, columns, source files and timestamps of a dataset',
  security,
  middleware: wellFormedId,
  request: { params: IdParams },
  responses: { 200: json(DatasetSchema, 'The dataset'), ...errors('DATASET_NOT_FOUND') },
});

const readRecords = createRoute({
  method: 'get',
  path: '/datasets/{id}/records',
  summary: 'Records in file order (source, then line), keyset-paginated by cursor',
  security,
  middleware: wellFormedId,
  request: { params: IdParams, query: RecordsQuery },
  responses: {
    200: json(z.object({ datasetId: z.string(), records: z.array(DatasetRecordSchema), cursor: z.string().nullable() }), 'A page of records'),
    ...errors('INVALID_REQUEST', 'DATASET_NOT_FOUND'),
  },
});

const deleteDataset = createRoute({
  method: 'delete',
  path: '/datasets/{id}',
  summary: 'Delete every record of a dataset',
  description: '409 DATASET_BUSY while a job that writes to the dataset is pending or running.',
  security,
  middleware: wellFormedId,
  request: { params: IdParams },
  responses: {
    200: json(z.object({ datasetId: z.string(), deleted: z.boolean(), deletedRecords: z.number().int() }), 'Deleted'),
    ...errors('DATASET_NOT_FOUND', 'DATASET_BUSY'),
  },
});

export const datasetRoutes = new OpenAPIHono<AppEnv>()
  .openapi(listDatasets, async (c) => {
    const { cursor, limit } = c.req.valid('query');
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
    return ok(c, { datasets: datasets.filter((d) => d !== null), cursor: page.truncated ? page.cursor : null }, 200);
  })
  .openapi(getDataset, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = c.get('tenant');
    const summary = owned(id, await datasetStoreFor(c.env, tenant, id).summary(tenant));
    return ok(c, { datasetId: id, ...summary }, 200);
  })
  .openapi(readRecords, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
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
    return ok(c, { datasetId: id, records: page.records, cursor: page.nextKey }, 200);
  })
  .openapi(deleteDataset, async (c) => {
    const { id } = c.req.valid('param');
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
    await coordinator.recordAudit(tenant, 'dataset.delete', actorOf(c), 'deleted', id);
    return ok(c, { datasetId: id, deleted: true, deletedRecords: deleted.deletedRecords }, 200);
  });
