import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import { ConfigError, loadConfig } from '../config.ts';
import { log } from '../log.ts';
import { isTransient } from '../core/transient.ts';
import { requireApiKey } from './auth.ts';
import { requestId } from './request-id.ts';
import type { AppEnv } from './context.ts';
import { ApiError, echoId, errorEnvelope, fieldErrors, type ErrorCode } from './errors.ts';
import { auditRoutes } from './routes/audit.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { fileRoutes } from './routes/files.ts';
import { jobRoutes } from './routes/jobs.ts';
import { queueRoutes } from './routes/queue-control.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { OPENAPI_TAGS, tagOperations } from './openapi.ts';
import { jobBodyError } from './submit.ts';

function respond(c: Context<AppEnv>, error: ApiError): Response {
  if (error.retryAfterSec !== undefined) c.header('Retry-After', String(error.retryAfterSec));
  return c.json(errorEnvelope(error), error.status);
}

/** Validation failures of any request part, in the contract's words. */
function validationError(c: Context<AppEnv>, target: string, issues: Parameters<typeof fieldErrors>[0], input: unknown): ApiError {
  if (target === 'param') return new ApiError('JOB_NOT_FOUND', 'Job not found', echoId('jobId', c.req.param('id')));
  if (target === 'json' && c.req.path === '/api/v1/jobs') {
    return jobBodyError(issues, input);
  }
  const what = target === 'query' ? 'query parameters' : 'request body';
  return new ApiError('INVALID_REQUEST', `Invalid ${what}`, { errors: fieldErrors(issues) });
}

const HTTP_EXCEPTION_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_JSON',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code === 'INVALID_JSON') return new ApiError(code, 'The request body is not valid JSON');
    if (code === 'UNSUPPORTED_MEDIA_TYPE') return new ApiError(code, 'Send the body as application/json');
    if (code) return new ApiError(code, error.message);
  }
  if (error instanceof ConfigError) return new ApiError('SERVICE_UNAVAILABLE', 'The service is misconfigured', {}, 30);
  if (isTransient(error)) return new ApiError('SERVICE_UNAVAILABLE', 'The service is busy; retry shortly', {}, 1);
  return new ApiError('INTERNAL_ERROR', 'Internal error');
}

function isFileUpload(c: Context<AppEnv>): boolean {
  return c.req.method === 'PUT' && c.req.path.startsWith('/api/v1/files/');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Every body but a file upload's is text: checked strictly here, so a byte sequence that is not
 * UTF-8 is a 400 instead of U+FFFD characters in an accepted job. Hono caches the bytes read
 * here for the route's own `c.req.json()`/`text()`.
 */
const strictUtf8Body = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.raw.body === null || isFileUpload(c)) return next();
  const bytes = await c.req.arrayBuffer();
  try {
    utf8.decode(bytes);
  } catch {
    throw new ApiError('INVALID_JSON', 'The request body is not valid UTF-8');
  }
  return next();
});

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return respond(c, validationError(c, result.target, result.error.issues, 'data' in result ? result.data : undefined));
      return undefined;
    },
  });

  app.use(requestId);
  app.use(async (c, next) => {
    const started = Date.now();
    await next();
    log(c.res.status >= 500 ? 'error' : 'info', {
      event: 'request',
      requestId: c.get('requestId'),
      tenant: c.get('tenant'),
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Date.now() - started,
    });
  });

  // Public, so registered before auth; it documents every route registered below.
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'DataCloak Job Queue API', version: '1.0.0' },
    tags: OPENAPI_TAGS,
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });

  app.use('/api/v1/*', requireApiKey);
  app.use('/api/v1/*', async (c, next) => {
    // File bodies stream to R2 under their own cap (MAX_UPLOAD_BYTES in routes/files.ts).
    if (isFileUpload(c)) return next();
    return bodyLimit({
      maxSize: loadConfig(c.env).maxBodyBytes,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large', { limitBytes: loadConfig(c.env).maxBodyBytes });
      },
    })(c, next);
  });
  app.use('/api/v1/*', strictUtf8Body);

  app.route('/api/v1', jobRoutes);
  app.route('/api/v1', auditRoutes);
  app.route('/api/v1', queueRoutes);
  app.route('/api/v1', scheduleRoutes);
  app.route('/api/v1', fileRoutes);
  app.route('/api/v1', datasetRoutes);
  tagOperations(app);

  app.notFound((c) => respond(c, new ApiError('NOT_FOUND', 'No such route')));
  app.onError((error, c) => {
    const apiError = toApiError(error);
    if (!(error instanceof ApiError) && !(error instanceof HTTPException)) {
      log('error', {
        event: 'unhandled_error',
        requestId: c.get('requestId'),
        code: apiError.code,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    }
    return respond(c, apiError);
  });
  return app;
}
