import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context.ts';
import { isSafeId } from './errors.ts';

/**
 * The client's `X-Request-Id` is kept (echoed, logged, audited) only when it is a safe id
 * (`isSafeId`: a UUID, or 1–64 of `A-Z a-z 0-9 . _ -` starting with a letter or digit with no run
 * of 12 or more digits). Anything else is replaced by a fresh UUID, so a request id can never carry user data
 * into the logs or the audit trail.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const offered = c.req.header('x-request-id');
  const id = isSafeId(offered) ? offered : crypto.randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
});
