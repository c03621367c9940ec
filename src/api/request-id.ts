import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context.ts';

/**
 * The client's `X-Request-Id` is kept (echoed, logged, audited) only when it looks like an id:
 * 1–64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit, and no run of 12 or more digits
 * (which could be a card, account or phone number). Anything else is replaced by a fresh UUID, so
 * a request id can never carry user data into the logs or the audit trail.
 */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LONG_DIGIT_RUN = /\d{12,}/;

export function acceptableRequestId(value: string | undefined): value is string {
  return value !== undefined && SAFE_REQUEST_ID.test(value) && !LONG_DIGIT_RUN.test(value);
}

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const offered = c.req.header('x-request-id');
  const id = acceptableRequestId(offered) ? offered : crypto.randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
});
