import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MAX_PATH_BYTES } from '../../core/key-limits.ts';
import { fileKey, filePathProblem, filesPrefix, pathOfKey, prefixProblem, uploadPrefix } from '../../storage/file-keys.ts';
import { loadConfig } from '../../config.ts';
import { fileUsage } from '../../storage/tenant-usage.ts';
import type { AppEnv } from '../context.ts';
import { ok } from '../ok.ts';
import { ApiError, fieldErrors, quotaExceeded } from '../errors.ts';
import { binary, errors, json, JSON_BODY, openapiRestPath, security } from '../openapi.ts';
import { FilePathParams, FileSchema, StoredFileSchema, UploadedPartSchema, UploadStartedSchema } from '../schemas.ts';
import { serveObject } from '../serve-object.ts';
import { actorOf } from '../submit.ts';
import { coordinatorFor } from '../../durable/coordinator-stub.ts';

/** Workers accept request bodies up to 100 MB (Free/Pro plans): one PUT, or one part, at most this. */
export const MAX_UPLOAD_BYTES = 100_000_000;
/** R2: every part but the last at least 5 MiB, and all of them the same size. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

const ROUTE_PREFIX = '/api/v1/files/';

type Ctx = Context<AppEnv>;

/** File writes and deletes join the tenant's audit trail, like every other client action. */
async function audit(c: Ctx, action: 'file.upload' | 'file.delete', outcome: string, path: string): Promise<void> {
  const tenant = c.get('tenant');
  await coordinatorFor(c.env, tenant).recordAudit(tenant, action, actorOf(c), outcome, path);
}

/** A file written (whole or by completing an upload), audited: 201 when it is new, 200 when it replaced one. */
async function stored<T extends { path: string; overwritten: boolean }>(c: Ctx, data: T) {
  await audit(c, 'file.upload', data.overwritten ? 'overwritten' : 'created', data.path);
  return data.overwritten ? ok(c, data, 200) : ok(c, data, 201);
}

/**
 * The file path as it arrived. It is read from the raw URL, not Hono's decoded path: a `%` means
 * an encoded character, which the safe pattern never needs, so it is refused rather than decoded.
 */
function pathOf(c: Ctx): string {
  const raw = new URL(c.req.url).pathname.slice(ROUTE_PREFIX.length);
  if (raw.includes('%')) throw new ApiError('INVALID_PATH', 'Percent-encoded characters are not allowed in file paths');
  const problem = filePathProblem(raw);
  if (problem) throw new ApiError('INVALID_PATH', problem, { maxBytes: MAX_PATH_BYTES });
  return raw;
}

/** R2 stores a stream only when its length is known up front; the length also enforces the cap. */
function declaredLength(c: Ctx): number {
  const header = c.req.header('content-length');
  if (header === undefined || !/^\d+$/.test(header)) {
    throw new ApiError('LENGTH_REQUIRED', 'Send a Content-Length header (chunked uploads are not accepted)');
  }
  const length = Number(header);
  if (length > MAX_UPLOAD_BYTES) {
    throw new ApiError('PAYLOAD_TOO_LARGE', 'The body is larger than one upload may be; use a multipart upload', {
      limitBytes: MAX_UPLOAD_BYTES,
    });
  }
  return length;
}

function bodyOf(c: Ctx): ReadableStream | string {
  return c.req.raw.body ?? '';
}

/** Storage caps clear only when the tenant deletes something: a retry is worth it in minutes. */
const STORAGE_RETRY_AFTER_SEC = 60;

/**
 * Refuses a write that would take the tenant past its storage caps: `addBytes` arrive, replacing
 * `replacedBytes`; `newFile` adds a file, `newUpload` opens an upload. Checked before the write;
 * writes racing each other may pass together, so a cap can be overshot by what is in flight.
 */
async function ensureRoom(c: Ctx, change: { addBytes?: number; replacedBytes?: number; newFile?: boolean; newUpload?: boolean }): Promise<void> {
  const config = loadConfig(c.env);
  const usage = await fileUsage(c.env.BLOBS, c.get('tenant'), Date.now());
  if (change.newUpload && usage.openUploads >= config.maxOpenUploads) {
    throw quotaExceeded('openUploads', config.maxOpenUploads, STORAGE_RETRY_AFTER_SEC);
  }
  if (change.newFile && usage.files >= config.maxTenantFiles) throw quotaExceeded('files', config.maxTenantFiles, STORAGE_RETRY_AFTER_SEC);
  if (usage.bytes - (change.replacedBytes ?? 0) + (change.addBytes ?? 0) > config.maxTenantFileBytes) {
    throw quotaExceeded('fileBytes', config.maxTenantFileBytes, STORAGE_RETRY_AFTER_SEC);
  }
}

function describe(tenant: string, object: R2Object) {
  return { path: pathOfKey(tenant, object.key), size: object.size, etag: object.etag, uploadedAt: object.uploaded.toISOString() };
}

function fileNotFound(path: string): ApiError {
  return new ApiError('FILE_NOT_FOUND', 'File not found', { path });
}

// ---- multipart bookkeeping ------------------------------------------------------------------

interface PartRecord {
  partNumber: number;
  size: number;
  etag: string;
}

/**
 * Why this set of part sizes cannot complete, or null. Checked on every part upload against the
 * parts already recorded, so a bad size is refused when it arrives rather than at completion.
 * The highest-numbered part is taken as the last one.
 */
export function partLayoutProblem(parts: readonly { partNumber: number; size: number }[]): string | null {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const last = sorted.pop();
  if (!last) return 'No parts have been uploaded';
  const first = sorted[0];
  if (!first) return null;
  if (first.size < MIN_PART_BYTES) {
    return `Part ${first.partNumber} is ${first.size} bytes: every part but the last must be at least ${MIN_PART_BYTES} bytes (5 MiB)`;
  }
  const odd = sorted.find((p) => p.size !== first.size);
  if (odd) {
    return `Part ${odd.partNumber} is ${odd.size} bytes but part ${first.partNumber} is ${first.size}: every part but the last must have the same size`;
  }
  if (last.size > first.size) {
    return `Part ${last.partNumber} is ${last.size} bytes, larger than the other parts (${first.size}): only the last part may differ, and only by being smaller`;
  }
  return null;
}

interface Session {
  path: string;
  prefix: string;
}

async function sessionOf(c: Ctx, path: string, uploadId: string): Promise<Session> {
  const prefix = await uploadPrefix(c.get('tenant'), uploadId);
  const record = await c.env.BLOBS.head(`${prefix}session`);
  if (!record || record.customMetadata?.path !== path) {
    throw new ApiError('UPLOAD_NOT_FOUND', 'No such multipart upload for this path', { path });
  }
  return { path, prefix };
}

async function recordedParts(bucket: R2Bucket, session: Session): Promise<PartRecord[]> {
  const parts: PartRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `${session.prefix}parts/`, include: ['customMetadata'], ...(cursor ? { cursor } : {}) });
    for (const object of page.objects) {
      const meta = object.customMetadata ?? {};
      parts.push({ partNumber: Number(meta.partNumber), size: Number(meta.size), etag: meta.etag ?? '' });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return parts;
}

async function dropSession(bucket: R2Bucket, session: Session): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: session.prefix, ...(cursor ? { cursor } : {}) });
    if (page.objects.length > 0) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

const PartNumber = z.coerce.number().int().min(1).max(MAX_PARTS);

const CompleteBody = z
  .strictObject({
    parts: z
      .array(z.strictObject({ partNumber: PartNumber, etag: z.string().min(1) }))
      .min(1)
      .max(MAX_PARTS)
      .optional()
      .openapi({ description: 'The parts to join; without it (or without a body) every uploaded part is used' }),
  })
  .openapi('CompleteMultipartUpload');

async function createUpload(c: Ctx, path: string) {
  const tenant = c.get('tenant');
  await ensureRoom(c, { newUpload: true, newFile: (await c.env.BLOBS.head(fileKey(tenant, path))) === null });
  const contentType = c.req.header('content-type');
  const upload = await c.env.BLOBS.createMultipartUpload(fileKey(tenant, path), contentType ? { httpMetadata: { contentType } } : {});
  const prefix = await uploadPrefix(tenant, upload.uploadId);
  await c.env.BLOBS.put(`${prefix}session`, '', { customMetadata: { path, createdAt: new Date().toISOString() } });
  return ok(c, { path, uploadId: upload.uploadId, minPartBytes: MIN_PART_BYTES, maxPartBytes: MAX_UPLOAD_BYTES, maxParts: MAX_PARTS }, 201);
}

async function uploadPart(c: Ctx, path: string, uploadId: string, partNumberRaw: string) {
  const partNumber = PartNumber.safeParse(partNumberRaw);
  if (!partNumber.success) throw new ApiError('INVALID_PART', `partNumber must be an integer from 1 to ${MAX_PARTS}`);
  const session = await sessionOf(c, path, uploadId);
  const size = declaredLength(c);
  const recorded = await recordedParts(c.env.BLOBS, session);
  const others = recorded.filter((p) => p.partNumber !== partNumber.data);
  const problem = partLayoutProblem([...others, { partNumber: partNumber.data, size }]);
  if (problem) throw new ApiError('INVALID_PART', problem, { partNumber: partNumber.data, size, minPartBytes: MIN_PART_BYTES });
  await ensureRoom(c, { addBytes: size, replacedBytes: recorded.find((p) => p.partNumber === partNumber.data)?.size ?? 0 });
  const upload = c.env.BLOBS.resumeMultipartUpload(fileKey(c.get('tenant'), path), uploadId);
  const part = await upload.uploadPart(partNumber.data, bodyOf(c));
  await c.env.BLOBS.put(`${session.prefix}parts/${String(part.partNumber).padStart(5, '0')}`, '', {
    customMetadata: { partNumber: String(part.partNumber), size: String(size), etag: part.etag },
  });
  return ok(c, { path, uploadId, partNumber: part.partNumber, etag: part.etag, size }, 200);
}

async function completeUpload(c: Ctx, path: string, uploadId: string) {
  const session = await sessionOf(c, path, uploadId);
  const text = await c.req.text();
  let parsedJson: unknown = {};
  if (text.trim() !== '') {
    try {
      parsedJson = JSON.parse(text);
    } catch {
      throw new ApiError('INVALID_JSON', 'The request body is not valid JSON');
    }
  }
  const body = CompleteBody.safeParse(parsedJson);
  if (!body.success) throw new ApiError('INVALID_REQUEST', 'Invalid request body', { errors: fieldErrors(body.error.issues) });
  const recorded = new Map((await recordedParts(c.env.BLOBS, session)).map((p) => [p.partNumber, p]));
  // Without a list, every recorded part completes the upload: the common case needs no bookkeeping.
  const listed = body.data.parts ?? [...recorded.values()].map(({ partNumber, etag }) => ({ partNumber, etag }));
  const chosen: PartRecord[] = [];
  for (const part of listed) {
    const record = recorded.get(part.partNumber);
    if (!record || record.etag !== part.etag) {
      throw new ApiError('INVALID_PART', `Part ${part.partNumber} was not uploaded with that etag`, { partNumber: part.partNumber });
    }
    chosen.push(record);
  }
  if (new Set(chosen.map((p) => p.partNumber)).size !== chosen.length) throw new ApiError('INVALID_PART', 'A part is listed twice');
  const problem = partLayoutProblem(chosen);
  if (problem) throw new ApiError('INVALID_PART', problem);
  const tenant = c.get('tenant');
  const key = fileKey(tenant, path);
  const existed = (await c.env.BLOBS.head(key)) !== null;
  const upload = c.env.BLOBS.resumeMultipartUpload(key, uploadId);
  const object = await upload.complete(chosen.sort((a, b) => a.partNumber - b.partNumber).map(({ partNumber, etag }) => ({ partNumber, etag })));
  await dropSession(c.env.BLOBS, session);
  return stored(c, { ...describe(tenant, object), overwritten: existed, parts: chosen.length });
}

async function abortUpload(c: Ctx, path: string, uploadId: string) {
  const session = await sessionOf(c, path, uploadId);
  await c.env.BLOBS.resumeMultipartUpload(fileKey(c.get('tenant'), path), uploadId).abort();
  await dropSession(c.env.BLOBS, session);
  return ok(c, { path, uploadId, aborted: true }, 200);
}

// ---- whole files ----------------------------------------------------------------------------

async function putFile(c: Ctx, path: string) {
  const length = declaredLength(c);
  const tenant = c.get('tenant');
  const key = fileKey(tenant, path);
  const previous = await c.env.BLOBS.head(key);
  const existed = previous !== null;
  await ensureRoom(c, { addBytes: length, replacedBytes: previous?.size ?? 0, newFile: !existed });
  const contentType = c.req.header('content-type');
  // The body streams into R2; it is never read into memory here.
  const object = await c.env.BLOBS.put(key, bodyOf(c), contentType ? { httpMetadata: { contentType } } : {});
  return stored(c, { ...describe(tenant, object), overwritten: existed });
}

async function getFile(c: Ctx, path: string) {
  return serveObject(c, fileKey(c.get('tenant'), path), () => fileNotFound(path));
}

async function deleteFile(c: Ctx, path: string) {
  const key = fileKey(c.get('tenant'), path);
  if (!(await c.env.BLOBS.head(key))) throw fileNotFound(path);
  await c.env.BLOBS.delete(key);
  await audit(c, 'file.delete', 'deleted', path);
  return ok(c, { path, deleted: true }, 200);
}

const ListQuery = z.strictObject({
  prefix: z.string().max(1024).default('').openapi({ description: 'Only paths starting with this; held to the path rules' }),
  cursor: z.string().max(4096).optional().openapi({ description: 'cursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const UploadIdQuery = z.string().openapi({ description: 'The uploadId answered by `POST ?uploads`' });

/** An operation on `/files/{path}`, the path parameter and the key included. */
function fileOperation<R extends Omit<RouteConfig, 'path'>>(route: R) {
  return createRoute({ ...route, path: '/files/{path}', security, request: { params: FilePathParams, ...route.request } });
}

const listFiles = createRoute({
  method: 'get',
  path: '/files',
  summary: 'List files, in path order, paged by cursor',
  security,
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ files: z.array(FileSchema), cursor: z.string().nullable(), truncated: z.boolean() }), 'A page of files'),
    ...errors('INVALID_REQUEST', 'INVALID_PATH'),
  },
});

const putFileRoute = fileOperation({
  method: 'put',
  summary: 'Upload a file, or one part of a multipart upload (?uploadId=&partNumber=)',
  description:
    `The body streams to storage as it is, of any media type (stored as the file's Content-Type). It needs a ` +
    `Content-Length (411 without one) of at most ${MAX_UPLOAD_BYTES} bytes (413 above). With \`?uploadId=&partNumber=\` ` +
    `the body is part \`partNumber\` (1–${MAX_PARTS}) of that multipart upload: every part but the last at least ` +
    `${MIN_PART_BYTES} bytes and all of them the same size, else 400 INVALID_PART at once; re-sending a part replaces it. ` +
    'A write past the tenant\'s stored-bytes or file-count cap is 429 QUOTA_EXCEEDED with Retry-After.',
  request: {
    query: z.object({
      uploadId: UploadIdQuery.optional(),
      partNumber: PartNumber.optional().openapi({ description: 'With uploadId: the part this body is' }),
    }),
    body: { required: true, ...binary('The file, or the part, as raw bytes') },
  },
  responses: {
    200: json(z.union([StoredFileSchema, UploadedPartSchema]), 'A file replaced (`overwritten: true`), or a part stored'),
    201: json(StoredFileSchema, 'A new file'),
    ...errors('INVALID_PATH', 'INVALID_PART', 'UPLOAD_NOT_FOUND', 'LENGTH_REQUIRED', 'PAYLOAD_TOO_LARGE', 'QUOTA_EXCEEDED'),
  },
});

const postFileRoute = fileOperation({
  method: 'post',
  summary: 'Start (?uploads) or complete (?uploadId=) a multipart upload',
  description:
    '`?uploads` starts a multipart upload of the path; the request\'s Content-Type becomes the file\'s, and the body is ' +
    'ignored. `?uploadId=` completes one from its parts: 201 for a new file, 200 with `overwritten: true` for a ' +
    'replaced one. Either switch is required (400 INVALID_REQUEST without). Past the cap of open uploads per tenant, ' +
    '`?uploads` is 429 QUOTA_EXCEEDED with Retry-After.',
  request: {
    query: z.object({
      uploads: z.string().optional().openapi({ description: 'Present, without a value, to start an upload' }),
      uploadId: UploadIdQuery.optional(),
    }),
    body: { required: false, content: { 'application/json': { schema: CompleteBody } } },
  },
  responses: {
    200: json(StoredFileSchema, 'Completed, replacing a file'),
    201: json(z.union([UploadStartedSchema, StoredFileSchema]), 'An upload started (?uploads), or completed into a new file'),
    ...errors('INVALID_PATH', 'INVALID_REQUEST', 'INVALID_PART', 'UPLOAD_NOT_FOUND', JSON_BODY, 'QUOTA_EXCEEDED'),
  },
});

const getFileRoute = fileOperation({
  method: 'get',
  summary: 'Download a file, whole or one byte range',
  request: {
    headers: z.object({ range: z.string().optional().openapi({ description: 'One `bytes=` range; several, or a malformed one, send the whole file' }) }),
  },
  responses: {
    200: binary('The file, with its Content-Type and ETag'),
    206: binary('The requested range, with Content-Range'),
    ...errors('INVALID_PATH', 'FILE_NOT_FOUND', 'RANGE_NOT_SATISFIABLE'),
  },
});

const deleteFileRoute = fileOperation({
  method: 'delete',
  summary: 'Delete a file, or abort a multipart upload (?uploadId=)',
  request: { query: z.object({ uploadId: UploadIdQuery.optional() }) },
  responses: {
    200: json(z.union([z.object({ path: z.string(), deleted: z.boolean() }), z.object({ path: z.string(), uploadId: z.string(), aborted: z.boolean() })]), 'Deleted, or aborted'),
    ...errors('INVALID_PATH', 'FILE_NOT_FOUND', 'UPLOAD_NOT_FOUND'),
  },
});

export const fileRoutes = new OpenAPIHono<AppEnv>().openapi(listFiles, async (c) => {
  const { prefix, cursor, limit } = c.req.valid('query');
  const problem = prefixProblem(prefix);
  if (problem) throw new ApiError('INVALID_PATH', problem, { maxBytes: MAX_PATH_BYTES });
  const tenant = c.get('tenant');
  const page = await c.env.BLOBS.list({ prefix: `${filesPrefix(tenant)}${prefix}`, limit, ...(cursor ? { cursor } : {}) });
  return ok(
    c,
    {
      files: page.objects.map((o) => describe(tenant, o)),
      cursor: page.truncated ? page.cursor : null,
      truncated: page.truncated,
    },
    200,
  );
});

openapiRestPath(fileRoutes, putFileRoute, async (c) => {
  const path = pathOf(c);
  const uploadId = c.req.query('uploadId');
  if (uploadId !== undefined) return uploadPart(c, path, uploadId, c.req.query('partNumber') ?? '');
  return putFile(c, path);
});

openapiRestPath(fileRoutes, postFileRoute, async (c) => {
  const path = pathOf(c);
  const uploadId = c.req.query('uploadId');
  if (uploadId !== undefined) return completeUpload(c, path, uploadId);
  if (c.req.query('uploads') !== undefined) return createUpload(c, path);
  throw new ApiError('INVALID_REQUEST', 'POST a file path with ?uploads to start a multipart upload, or ?uploadId=… to complete one');
});

openapiRestPath(fileRoutes, getFileRoute, async (c) => getFile(c, pathOf(c)));

openapiRestPath(fileRoutes, deleteFileRoute, async (c) => {
  const path = pathOf(c);
  const uploadId = c.req.query('uploadId');
  if (uploadId !== undefined) return abortUpload(c, path, uploadId);
  return deleteFile(c, path);
});
