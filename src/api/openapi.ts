import type { OpenAPIHono, RouteConfig, RouteHandler, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
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
