import type { z } from '@hono/zod-openapi';
import { envelope, ErrorEnvelopeSchema } from './schemas.ts';

/** Route-definition helpers, so every route documents its envelopes the same way. */
export const security = [{ bearerAuth: [] }];

export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: 'Error', content: { 'application/json': { schema: ErrorEnvelopeSchema } } }]),
  );
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema: envelope(schema) } } };
}
