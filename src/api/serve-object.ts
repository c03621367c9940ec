import type { Context } from 'hono';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

type ByteRange = { offset: number; length: number } | 'unsatisfiable' | null;

/** One `bytes=` range; several ranges, or a malformed header, are ignored (the whole file is sent). */
export function parseRange(header: string | undefined, size: number): ByteRange {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, startRaw = '', endRaw = ''] = match;
  if (startRaw === '') {
    const suffix = Number(endRaw);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { offset: Math.max(0, size - suffix), length: Math.min(suffix, size) };
  }
  const start = Number(startRaw);
  const end = endRaw === '' ? size - 1 : Math.min(Number(endRaw), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { offset: start, length: end - start + 1 };
}

/**
 * What every stored file is served with: the bytes are a tenant's upload or export, so a browser
 * must neither sniff them into HTML, nor render them inline on the API's origin, nor run their
 * scripts (the sandbox CSP holds even if a client overrides the disposition).
 */
const INERT = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
} as const;

/** `attachment`, keeping a stored filename only when it is one (the stored value is ours). */
function attachment(stored: string | undefined, fallbackName: string): string {
  if (stored?.startsWith('attachment;')) return stored;
  return `attachment; filename="${fallbackName.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

/**
 * Streams an R2 object as the response (never buffered), honouring one `Range` (206, or 416
 * outside the object), with the stored Content-Type, always as an inert attachment.
 */
export async function serveObject(c: Context<AppEnv>, key: string, notFound: () => ApiError): Promise<Response> {
  const head = await c.env.BLOBS.head(key);
  if (!head) throw notFound();
  const range = parseRange(c.req.header('range'), head.size);
  if (range === 'unsatisfiable') {
    c.header('Content-Range', `bytes */${head.size}`);
    throw new ApiError('RANGE_NOT_SATISFIABLE', 'The range lies outside the file', { size: head.size });
  }
  const object = await c.env.BLOBS.get(key, range ? { range, onlyIf: { etagMatches: head.etag } } : {});
  if (!object || !('body' in object)) throw notFound(); // replaced or deleted between the calls
  const headers = new Headers({
    ...INERT,
    'content-disposition': attachment(object.httpMetadata?.contentDisposition, key.slice(key.lastIndexOf('/') + 1)),
    'content-type': object.httpMetadata?.contentType ?? 'application/octet-stream',
    etag: object.httpEtag,
    'last-modified': object.uploaded.toUTCString(),
    'accept-ranges': 'bytes',
  });
  if (range) {
    headers.set('content-length', String(range.length));
    headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  headers.set('content-length', String(object.size));
  return new Response(object.body, { status: 200, headers });
}
