import { z } from '@hono/zod-openapi';
import { JobPrioritySchema, JobStatusSchema, JobTypeSchema, JobSummary, JobView } from '../core/job-view.ts';
import type { JobPriority, JobType } from '../core/job-types.ts';

/** The job view is core (the coordinator presents it too); the API documents it from here. */
export { JobPrioritySchema, JobStatusSchema, JobSummary, JobTypeSchema, JobView };
import { MAX_PATH_BYTES } from '../core/key-limits.ts';

export const MAX_WAIT_MS = 300_000;
export const DEFAULT_WAIT_MS = 30_000;

export const IdParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid', example: '550e8400-e29b-41d4-a716-446655440000' }),
});

export const ListJobsQuery = z.strictObject({
  status: JobStatusSchema.optional(),
  type: JobTypeSchema.optional(),
  priority: JobPrioritySchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});

export const WaitBody = z
  .strictObject({
    timeout: z.number().int().min(1).max(MAX_WAIT_MS).default(DEFAULT_WAIT_MS).openapi({ description: 'Milliseconds to wait (max 300000)' }),
  })
  .openapi('WaitForJobRequest');

export const ResultPageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * A validated create-job body (create-job-body.ts builds its schema from the handlers); here so
 * the typed client can take the options' types without importing the handlers.
 */
export interface CreateJobInput {
  type: JobType;
  data: unknown;
  priority: JobPriority;
  runAt?: string | undefined;
  delay?: number | undefined;
  dependsOn?: string[] | undefined;
  callbackUrl?: string | undefined;
}

export const CreatedJob = z
  .object({ jobId: z.string(), type: JobTypeSchema, status: JobStatusSchema, priority: JobPrioritySchema, createdAt: z.string() })
  .openapi('CreatedJob');

export const RetriedJob = CreatedJob.extend({ retryOf: z.string() });

const PerTypeStats = z.object({ total: z.number(), completed: z.number(), failed: z.number(), cancelled: z.number() });

const Spread = z
  .object({ p50: z.number(), p95: z.number() })
  .openapi({
    description:
      'Nearest-rank percentiles read from a histogram whose bins are about 19% wide (exact to the millisecond up to 6 ms): ' +
      'the largest value of the bin holding the percentile, so never below the exact figure and at most about 19% above it',
  });
const TypeTiming = z.object({ jobs: z.number(), queueWaitMs: Spread, runTimeMs: Spread });

export const StatsView = z
  .object({
    total: z.number(),
    pending: z.number(),
    running: z.number(),
    completed: z.number(),
    failed: z.number(),
    cancelled: z.number(),
    performance: z.object({
      averageProcessingTime: z.number().openapi({ description: 'Mean run time of completed jobs, ms' }),
      throughput: z.string().openapi({ example: '25 jobs/minute' }),
      throughputWindowMinutes: z.number(),
      successRate: z.number().openapi({ description: 'completed / (completed + failed), percent' }),
      peakConcurrency: z.number(),
    }),
    byType: z.record(z.string(), PerTypeStats),
    byPriority: z.record(z.string(), z.number()),
    timing: z
      .object({
        windowMinutes: z.number(),
        sampled: z.number().openapi({ description: 'Completions the percentiles cover: every one within the window' }),
        byType: z.record(z.string(), TypeTiming),
      })
      .openapi({ description: 'Queue wait (created → started) and run time (started → completed) per type, ms' }),
    paused: z.boolean(),
  })
  .openapi('QueueStats');

export const BulkCreateBody = z
  .strictObject({
    jobs: z.array(z.unknown()).min(1, 'Send at least 1 job').max(100, 'At most 100 jobs per call'),
  })
  .openapi('BulkCreateRequest', { description: 'Each item is a CreateJobRequest, validated on its own' });

export const BulkCreateResult = z.object({
  created: z.number(),
  failed: z.number(),
  results: z.array(
    z.object({
      index: z.number(),
      success: z.boolean(),
      jobId: z.string().optional(),
      status: JobStatusSchema.optional(),
      error: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export const BulkCancelBody = z
  .strictObject({
    status: JobStatusSchema.optional(),
    type: JobTypeSchema.optional(),
    priority: JobPrioritySchema.optional(),
    ids: z.array(z.string()).min(1).max(1000).optional(),
  })
  .refine((f) => f.status || f.type || f.priority || f.ids, { message: 'Give at least one filter', path: ['status'] })
  .openapi('BulkCancelRequest');

export const BulkCancelResult = z.object({
  matched: z.number(),
  cancelled: z.number(),
  cancelRequested: z.number(),
  notCancellable: z.number(),
  notFound: z.number(),
});

export const QueueState = z.object({ paused: z.boolean() }).openapi('QueueState');

export const WebhookSecretView = z.object({ secret: z.string(), header: z.string(), format: z.string() });

export const ResultPage = z
  .object({ offset: z.number(), limit: z.number(), total: z.number(), results: z.array(z.unknown()), nextOffset: z.number().nullable() })
  .openapi('ResultPage');

export function envelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), data, timestamp: z.string() });
}

export const AuditEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    jobId: z.string().nullable(),
    action: z.string().openapi({ example: 'job.cancel' }),
    actor: z.string().openapi({ description: '`key:<id>` (a digest prefix of the API key, never the key), `system` or `system:cron`' }),
    requestId: z.string().nullable(),
    outcome: z.string(),
    detail: z.string().nullable(),
  })
  .openapi('AuditEvent');

export const AuditQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Only events at or after this time' }),
  cursor: z.coerce.number().int().min(0).default(0).openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

// ---- files and datasets -------------------------------------------------------------------------

export const FilePathParams = z.object({
  path: z.string().openapi({
    param: { name: 'path', in: 'path' },
    description:
      `The file path; it may contain \`/\`. Letters, digits and \`/ _ . -\` only, at most ${MAX_PATH_BYTES} bytes, no leading \`/\`, ` +
      'no empty, `.` or `..` segment and no percent-encoding (400 INVALID_PATH otherwise).',
    example: 'imports/reviews.csv',
  }),
});

export const FileSchema = z
  .object({ path: z.string(), size: z.number().int(), etag: z.string(), uploadedAt: z.string() })
  .openapi('File');

export const StoredFileSchema = FileSchema.extend({
  overwritten: z.boolean().openapi({ description: 'A file was replaced (200) rather than created (201)' }),
  parts: z.number().int().optional().openapi({ description: 'How many parts a completed multipart upload joined' }),
}).openapi('StoredFile');

export const UploadStartedSchema = z
  .object({ path: z.string(), uploadId: z.string(), minPartBytes: z.number().int(), maxPartBytes: z.number().int(), maxParts: z.number().int() })
  .openapi('MultipartUpload');

export const UploadedPartSchema = z
  .object({ path: z.string(), uploadId: z.string(), partNumber: z.number().int(), etag: z.string(), size: z.number().int() })
  .openapi('UploadedPart');

const DatasetCounts = z.record(z.string(), z.number().int()).openapi({ description: 'Records by sentiment; `unanalyzed` for parsed-only' });

export const DatasetListItemSchema = z
  .object({ datasetId: z.string(), recordCount: z.number().int(), counts: DatasetCounts, createdAt: z.string(), updatedAt: z.string() })
  .openapi('DatasetListItem');

export const DatasetSchema = DatasetListItemSchema.extend({
  columns: z.array(z.string()),
  sources: z.array(z.object({ file: z.string(), format: z.string(), jobId: z.string(), records: z.number().int(), updatedAt: z.string() })),
}).openapi('Dataset');

export const SentimentLabelSchema = z.enum(['positive', 'negative', 'neutral']).openapi('SentimentLabel');

export const DatasetRecordSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    sentiment: SentimentLabelSchema.nullable().openapi({ description: 'null until an `analyze` job has scored the record' }),
    score: z.number().nullable(),
    confidence: z.number().nullable(),
    createdAt: z.string(),
    source: z.object({ file: z.string(), line: z.number().int() }),
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .openapi('DatasetRecord');

export const CreateScheduleBody = z
  .strictObject({
    cron: z.string().min(1).max(120).openapi({ example: '*/15 * * * *', description: 'Five fields (or six with seconds), croner syntax' }),
    timezone: z.string().min(1).max(64).default('UTC').openapi({ example: 'Europe/Berlin' }),
    job: z.unknown().openapi({ description: 'A CreateJobRequest without runAt, delay, dependsOn or callbackUrl' }),
  })
  .openapi('CreateScheduleRequest');

export const ScheduleView = z
  .object({
    id: z.string(),
    cron: z.string(),
    timezone: z.string(),
    job: z.object({ type: JobTypeSchema, priority: JobPrioritySchema }),
    nextRunAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
    fired: z.number().int().openapi({ description: 'Firings that created a job' }),
    refused: z.number().int().openapi({ description: 'Firings refused by an admission limit (recorded in the audit log)' }),
    createdAt: z.string(),
  })
  .openapi('Schedule');

export const DeletedSchedule = z.object({ id: z.string(), deleted: z.boolean() });
