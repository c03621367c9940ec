import type { z } from 'zod';
import type { FieldError } from '../core/field-error.ts';
import { didYouMean } from './did-you-mean.ts';

/** The one error vocabulary: every code the API answers with, and its HTTP status. */
export const ERROR_STATUS = {
  INVALID_JOB_TYPE: 400,
  INVALID_JOB_DATA: 400,
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  JOB_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  JOB_TIMEOUT: 408,
  JOB_NOT_CANCELLABLE: 409,
  RESULT_NOT_READY: 409,
  IDEMPOTENCY_CONFLICT: 409,
  JOB_NOT_RETRYABLE: 409,
  NOT_AN_EXPORT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUEUE_FULL: 429,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  AUTH_NOT_CONFIGURED: 503,
  SERVICE_UNAVAILABLE: 503,
  // Files and datasets.
  INVALID_PATH: 400,
  INVALID_PART: 400,
  FILE_NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  DATASET_NOT_FOUND: 404,
  DATASET_BUSY: 409,
  LENGTH_REQUIRED: 411,
  RANGE_NOT_SATISFIABLE: 416,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];


type DetailValue = string | number | boolean | null | string[] | FieldError[];

/** An expected failure on its way to the client; `onError` turns it into the envelope. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ErrorCode;
  readonly details: Record<string, DetailValue>;
  readonly retryAfterSec: number | undefined;

  constructor(code: ErrorCode, message: string, details: Record<string, DetailValue> = {}, retryAfterSec?: number) {
    super(message);
    this.code = code;
    this.details = details;
    this.retryAfterSec = retryAfterSec;
  }

  get status(): ErrorStatus {
    return ERROR_STATUS[this.code];
  }
}

/**
 * What an identifier taken from the request may look like to be repeated in an error: the
 * documented request-id pattern (README "Security"), or a UUID. An id that could be data — an
 * email, a card or account number (12+ digits in a row), free text — is never repeated.
 */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const LONG_DIGIT_RUN = /\d{12,}/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSafeId(value: string | undefined): value is string {
  if (value === undefined) return false;
  return UUID.test(value) || (SAFE_ID.test(value) && !LONG_DIGIT_RUN.test(value));
}

/** `{[name]: value}` when the value may be repeated back, else nothing. */
export function echoId(name: string, value: string | undefined): Record<string, string> {
  return isSafeId(value) ? { [name]: value } : {};
}

export type Quota = 'fileBytes' | 'files' | 'openUploads' | 'waiters' | 'eventStreams' | 'schedules';

/** A per-tenant cap (README "Security") reached: 429, and which cap, so a client knows what to free. */
export function quotaExceeded(quota: Quota, limit: number, retryAfterSec: number): ApiError {
  return new ApiError('QUOTA_EXCEEDED', 'A per-tenant limit is reached', { quota, limit, retryAfter: retryAfterSec }, retryAfterSec);
}

export interface ErrorEnvelope {
  success: false;
  error: string;
  details: { code: ErrorCode } & Record<string, DetailValue>;
  timestamp: string;
}

export function errorEnvelope(error: ApiError): ErrorEnvelope {
  return {
    success: false,
    error: error.message,
    details: { code: error.code, ...error.details },
    timestamp: new Date().toISOString(),
  };
}

/** `['data', 'texts', 3]` → `texts[3]`: fields are named as the user wrote them, relative to `data`. */
export function fieldName(path: readonly PropertyKey[]): string {
  const parts = path[0] === 'data' && path.length > 1 ? path.slice(1) : path;
  let name = '';
  for (const part of parts) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name ? `.${String(part)}` : String(part);
  }
  return name || '(body)';
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/** The field names an object at `path` of the request takes, for "did you mean" on an unknown one. */
export type KnownKeys = (path: readonly PropertyKey[]) => readonly string[];

export function fieldErrors(issues: readonly z.core.$ZodIssue[], knownKeys: KnownKeys = () => []): FieldError[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => {
          // An unknown key is user input: echo it only when it looks like a field name, never
          // when it could be data (an email, a card number) pasted in the wrong place.
          const named = IDENTIFIER.test(key);
          const suggestion = named ? didYouMean(key, knownKeys(issue.path)) : null;
          return {
            field: fieldName([...issue.path, named ? key : '(unnamed)']),
            message: suggestion ? `Unknown field; did you mean "${suggestion}"?` : 'Unknown field',
          };
        })
      : [{ field: fieldName(issue.path), message: issue.message }],
  );
}
