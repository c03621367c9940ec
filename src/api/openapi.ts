import { z, type OpenAPIHono, type RouteConfig, type RouteHandler } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';
import { envelope } from './schemas.ts';

/** Route-definition helpers, so every route documents its envelopes the same way. */
export const security = [{ bearerAuth: [] }];

/** Every code the API answers with; each operation's error responses name the ones it can return. */
const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).openapi('ErrorCode');

const ErrorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ description: "The contract's message for the code, e.g. `Invalid job type`" }),
    details: z
      .object({ code: ErrorCodeSchema })
      .catchall(z.unknown())
      .openapi({ description: 'The code, and what exactly is wrong: `errors` (`{field, message}` each), ids, limits' }),
    timestamp: z.string(),
  })
  .openapi('Error');

/** Codes any authenticated operation may answer with, whatever it does. */
const EVERY_OPERATION: readonly ErrorCode[] = ['UNAUTHORIZED', 'INTERNAL_ERROR', 'AUTH_NOT_CONFIGURED', 'SERVICE_UNAVAILABLE'];

/** Codes any operation that reads a JSON body may answer with. */
export const JSON_BODY: readonly ErrorCode[] = ['INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'];

/**
 * The error responses of an operation, from the codes its handler can answer with (plus those of
 * every operation): one response per status, naming its codes in the description and as the
 * enum of `details.code`, so the document says exactly what a client must handle.
 */
export function errors(...codes: (ErrorCode | readonly ErrorCode[])[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...codes.flat(), ...EVERY_OPERATION])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => {
      const schema = ErrorEnvelopeSchema.extend({ details: z.object({ code: z.enum(list as [ErrorCode, ...ErrorCode[]]) }).catchall(z.unknown()) });
      return [status, { description: list.join(', '), content: { 'application/json': { schema } } }];
    }),
  );
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema: envelope(schema) } } };
}

/** Raw bytes of any media type. A plain schema, not a zod one, so nothing validates or gates the body. */
export function binary(description: string) {
  return { description, content: { '*/*': { schema: { type: 'string' as const, format: 'binary' } } } };
}

/**
 * Registers a route whose last path parameter spans slashes (a file path). @hono/zod-openapi routes
 * `{name}` as Hono's `:name`, a single segment, so the route is documented as written and routed
 * as Hono's `/*`, which also matches an empty rest (the handler answers that with 400, not 404).
 * Its `request` is documentation only: the handler reads the path, the query switches and the raw
 * body itself, each with its own error code.
 */
export function openapiRestPath<E extends Env, R extends RouteConfig>(
  app: OpenAPIHono<E>,
  route: R,
  handler: RouteHandler<Omit<R, 'request'>, E>,
): void {
  app.openAPIRegistry.registerPath(route);
  const { request: _documentedOnly, ...routed } = route;
  app.openapi({ ...routed, path: route.path.replace(/\/\{\w+\}$/, '/*'), hide: true }, handler);
}

/** The document's operation groups, by the first path segment after /api/v1. */
const TAGS: Record<string, { name: string; description: string }> = {
  jobs: { name: 'Jobs', description: 'Create, watch, wait on, cancel, retry and download jobs' },
  schedules: { name: 'Schedules', description: 'Recurring jobs from a cron expression' },
  queue: { name: 'Queue', description: "Pause and resume the tenant's queue" },
  webhooks: { name: 'Webhooks', description: 'The secret that signs job callbacks' },
  files: { name: 'Files', description: 'Upload (whole or multipart), download, list and delete input files' },
  datasets: { name: 'Datasets', description: 'Records built by file_processing jobs, read by data_export jobs' },
  audit: { name: 'Audit', description: "The tenant's audit trail" },
};

export const OPENAPI_TAGS = Object.values(TAGS);

/**
 * Tags every registered operation by its path, so none lands under "default" and a new route
 * gets its group without a line of its own; a path outside the groups is a programming error.
 */
export function tagOperations<E extends Env>(app: OpenAPIHono<E>): void {
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route') continue;
    const segment = definition.route.path.split('/')[3] ?? '';
    const tag = TAGS[segment];
    if (!tag) throw new Error(`no OpenAPI tag for ${definition.route.path}`);
    definition.route.tags ??= [tag.name];
  }
}
