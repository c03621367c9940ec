import { z } from '@hono/zod-openapi';
import type { JobPriority, JobType } from '../core/job-types.ts';
import { registeredHandlers } from '../handlers/registry.ts';
import { JobPrioritySchema } from './schemas.ts';

// Apart from schemas.ts because it needs the handlers: schemas.ts stays free of runtime
// modules, so the typed client (src/client) can take its types from it anywhere.
export interface CreateJobInput {
  type: JobType;
  data: unknown;
  priority: JobPriority;
}

/** One body schema per registered handler, so validation and the OpenAPI document agree. */
export const CreateJobBody = (z
  .discriminatedUnion(
    'type',
    registeredHandlers().map((handler) =>
      z.strictObject({
        type: z.literal(handler.type),
        data: handler.dataSchema,
        priority: JobPrioritySchema.default('medium'),
      }),
    ) as unknown as readonly [z.ZodObject, ...z.ZodObject[]],
  ) as unknown as z.ZodType<CreateJobInput>)
  .openapi('CreateJobRequest');
