import { z } from '@hono/zod-openapi';
import { handlerFor, registeredHandlers } from '../handlers/registry.ts';
import { JobPrioritySchema, type CreateJobInput } from './schemas.ts';

// Apart from schemas.ts because it needs the handlers: schemas.ts stays free of runtime
// modules, so the typed client (src/client) can take its types from it anywhere.
export const MAX_DELAY_MS = 30 * 24 * 3_600_000;
export const MAX_DEPENDENCIES = 20;

/** Options every job type takes beside its data: when it may run and what it waits for. */
const jobOptions = {
  priority: JobPrioritySchema.default('medium'),
  runAt: z.iso
    .datetime({ offset: true, error: 'runAt must be an ISO 8601 date-time with a time zone' })
    .refine((value) => Date.parse(value) <= Date.now() + MAX_DELAY_MS, 'runAt may be at most 30 days ahead')
    .optional()
    .openapi({ description: 'Run no earlier than this (ISO 8601); in the past runs at once; at most 30 days ahead' }),
  delay: z
    .number()
    .int()
    .min(0)
    .max(MAX_DELAY_MS, 'delay may be at most 30 days (2592000000 ms)')
    .optional()
    .openapi({ description: 'Run no earlier than this many ms from now (alternative to runAt)' }),
  dependsOn: z
    .array(z.uuid('Each dependency must be a job id'))
    .max(MAX_DEPENDENCIES, `At most ${MAX_DEPENDENCIES} dependencies`)
    .optional()
    .openapi({ description: 'Jobs of yours that must complete first; if one fails or is cancelled this job fails with DEPENDENCY_FAILED' }),
  callbackUrl: z
    .string()
    .max(2048)
    .optional()
    .openapi({
      format: 'uri',
      description:
        'https URL told of the terminal state by a signed POST (Webhook-Signature: t=<ms>,v1=<HMAC-SHA256 hex of "<t>.<body>">); ' +
        'private, loopback and link-local addresses and non-default ports are refused',
    }),
};

const onlyOneStartTime = (body: { runAt?: string | undefined; delay?: number | undefined }, ctx: z.RefinementCtx): void => {
  if (body.runAt !== undefined && body.delay !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['delay'], message: 'Give runAt or delay, not both' });
  }
};

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const JOB_BODY_KEYS: readonly string[] = ['type', 'data', ...Object.keys(jobOptions)];

/** The keys a schema's object at `path` takes, seen through optional, default and pipe wrappers. */
function schemaKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): readonly string[] {
  const def = schema._zod.def as z.core.$ZodTypeDef & { innerType?: z.core.$ZodType; in?: z.core.$ZodType; element?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType> };
  const inner = def.innerType ?? def.in;
  if (inner) return schemaKeys(inner, path);
  if (def.type === 'array' && def.element && path.length > 0) return schemaKeys(def.element, path.slice(1));
  if (def.type !== 'object' || !def.shape) return [];
  if (path.length === 0) return Object.keys(def.shape);
  const next = def.shape[String(path[0])];
  return next ? schemaKeys(next, path.slice(1)) : [];
}

/** The field names a create-job body takes at `path`: the body's own, or its type's `data`'s. */
export function jobBodyKeys(body: unknown, path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return JOB_BODY_KEYS;
  const handler = path[0] === 'data' && isRecord(body) && typeof body.type === 'string' ? handlerFor(body.type) : undefined;
  return handler ? schemaKeys(handler.dataSchema, path.slice(1)) : [];
}

/** One body schema per registered handler, so validation and the OpenAPI document agree. */
export const CreateJobBody = (z
  .discriminatedUnion(
    'type',
    registeredHandlers().map((handler) =>
      z
        .strictObject({
          type: z.literal(handler.type),
          data: handler.dataSchema,
          ...jobOptions,
        })
        .superRefine(onlyOneStartTime),
    ) as unknown as readonly [z.ZodObject, ...z.ZodObject[]],
  ) as unknown as z.ZodType<CreateJobInput>)
  .openapi('CreateJobRequest');

/** A UUID in the path: a job's or a dataset's. */
