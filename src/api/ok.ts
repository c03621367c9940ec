import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './context.ts';

/** The success envelope every route answers with (errors have theirs in errors.ts). */
export function ok<T, S extends ContentfulStatusCode>(c: Context<AppEnv>, data: T, status: S) {
  return c.json({ success: true as const, data, timestamp: new Date().toISOString() }, status);
}

/** The success envelope with the contract's `message` (cancellation says which kind it was). */
export function okWithMessage<T, S extends ContentfulStatusCode>(c: Context<AppEnv>, message: string, data: T, status: S) {
  return c.json({ success: true as const, message, data, timestamp: new Date().toISOString() }, status);
}
