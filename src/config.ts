import { z } from 'zod';
import { tenantsOf } from './core/api-keys.ts';

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

/** Every setting arrives as a string ([vars], --var or secrets); one schema parses them all. */
const ConfigSchema = z.object({
  MAX_CONCURRENT_JOBS: positiveInt,
  MAX_QUEUE_SIZE: positiveInt,
  MAX_JOBS_PER_MINUTE: positiveInt,
  MAX_JOBS_PER_HOUR: positiveInt,
  MAX_RETRIES: nonNegativeInt,
  RETRY_BASE_DELAY_MS: nonNegativeInt,
  RETRY_MAX_DELAY_MS: nonNegativeInt,
  LEASE_MS: positiveInt,
  PROGRESS_INTERVAL_MS: nonNegativeInt,
  SLICE_BUDGET_MS: nonNegativeInt,
  COMPLETED_JOB_TTL_MS: positiveInt,
  FAILED_JOB_TTL_MS: positiveInt,
  MAX_BODY_BYTES: positiveInt,
  RESULT_INLINE_LIMIT: positiveInt.max(10_000),
  MAX_TENANT_FILE_BYTES: positiveInt,
  MAX_TENANT_FILES: positiveInt,
  MAX_OPEN_UPLOADS: positiveInt,
  MAX_WAITERS: positiveInt,
  MAX_EVENT_STREAMS: positiveInt,
  MAX_SCHEDULES: positiveInt,
  ALLOW_INSECURE_CALLBACKS: z.enum(['true', 'false']).default('false'),
  WEBHOOK_SIGNING_KEY: z.string().optional(),
  API_KEYS: z.string().optional(),
});

export interface Config {
  maxConcurrentJobs: number;
  maxQueueSize: number;
  maxJobsPerMinute: number;
  maxJobsPerHour: number;
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  leaseMs: number;
  progressIntervalMs: number;
  sliceBudgetMs: number;
  completedJobTtlMs: number;
  failedJobTtlMs: number;
  maxBodyBytes: number;
  resultInlineLimit: number;
  /** Per-tenant caps, each answered 429 QUOTA_EXCEEDED with Retry-After. */
  maxTenantFileBytes: number;
  maxTenantFiles: number;
  maxOpenUploads: number;
  maxWaiters: number;
  maxEventStreams: number;
  maxSchedules: number;
  allowInsecureCallbacks: boolean;
  /** Null: webhooks are not configured, and callbackUrl is refused. */
  webhookSigningKey: string | null;
  /** Tenants that have an API key: the cron cleans each one's coordinator. */
  tenants: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const cache = new WeakMap<object, Config>();

export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new ConfigError(`invalid settings: ${names}`);
  }
  const v = parsed.data;
  const config: Config = {
    maxConcurrentJobs: v.MAX_CONCURRENT_JOBS,
    maxQueueSize: v.MAX_QUEUE_SIZE,
    maxJobsPerMinute: v.MAX_JOBS_PER_MINUTE,
    maxJobsPerHour: v.MAX_JOBS_PER_HOUR,
    maxRetries: v.MAX_RETRIES,
    retryBaseDelayMs: v.RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: v.RETRY_MAX_DELAY_MS,
    leaseMs: v.LEASE_MS,
    progressIntervalMs: v.PROGRESS_INTERVAL_MS,
    sliceBudgetMs: v.SLICE_BUDGET_MS,
    completedJobTtlMs: v.COMPLETED_JOB_TTL_MS,
    failedJobTtlMs: v.FAILED_JOB_TTL_MS,
    maxBodyBytes: v.MAX_BODY_BYTES,
    resultInlineLimit: v.RESULT_INLINE_LIMIT,
    maxTenantFileBytes: v.MAX_TENANT_FILE_BYTES,
    maxTenantFiles: v.MAX_TENANT_FILES,
    maxOpenUploads: v.MAX_OPEN_UPLOADS,
    maxWaiters: v.MAX_WAITERS,
    maxEventStreams: v.MAX_EVENT_STREAMS,
    maxSchedules: v.MAX_SCHEDULES,
    allowInsecureCallbacks: v.ALLOW_INSECURE_CALLBACKS === 'true',
    webhookSigningKey: v.WEBHOOK_SIGNING_KEY || null,
    tenants: tenantsOf(v.API_KEYS),
  };
  cache.set(env, config);
  return config;
}
