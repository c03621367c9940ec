// What handlers that read a file of the Files API share: the `filePath` field, the existence
// check at creation, and ranged streamed reads of the file as it was when the job started.
import { z } from 'zod';
import { fileKey, filePathProblem } from '../storage/file-keys.ts';
import type { FieldError } from '../core/field-error.ts';
import { JobFailure } from './types.ts';

/** A path the Files API accepts; whether a file is there is `checkFileExists`'s question. */
export const filePathField = z.string({ error: 'filePath must be a string' }).superRefine((path, ctx) => {
  const problem = filePathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** File sizes seen by `checkFileExists`, which runs just before `totalItems` on the same data object. */
const measured = new WeakMap<object, number>();

/** For `validate`: the named file exists in the tenant's files (its size is remembered). */
export async function checkFileExists(env: Env, tenant: string, data: { filePath: string }): Promise<FieldError[]> {
  const head = await env.BLOBS.head(fileKey(tenant, data.filePath));
  if (!head) return [{ field: 'filePath', message: 'No file at this path; upload it with PUT /api/v1/files/{path}' }];
  measured.set(data, head.size);
  return [];
}

/** The size `checkFileExists` saw for this data object, or 0. */
export function measuredSize(data: object): number {
  return measured.get(data) ?? 0;
}

/** Size and version of the file a job starts on; later reads insist on the same version. */
export async function statFile(env: Env, key: string): Promise<{ size: number; etag: string }> {
  const head = await env.BLOBS.head(key);
  if (!head) throw new JobFailure('FILE_NOT_FOUND', 'The file no longer exists', false, 'loading');
  return { size: head.size, etag: head.etag };
}

/**
 * Bytes per R2 read for `readBlocks` callers: the next block is read while the caller works on one,
 * so two are in memory at most. 1 MiB blocks answered status GETs faster during a scan but scanned
 * slower (README, data path).
 */
export const READ_BLOCK = 4 * 1024 * 1024;

/**
 * Fails the job (not retrying it) when the file was deleted or replaced since the job started:
 * a scan or a parse never mixes two files.
 */
async function rangeBody(env: Env, key: string, etag: string, offset: number, length: number): Promise<R2ObjectBody> {
  const object = await env.BLOBS.get(key, { range: { offset, length }, onlyIf: { etagMatches: etag } });
  if (!object) throw new JobFailure('FILE_NOT_FOUND', 'The file was deleted while it was being processed', false);
  if (!('body' in object)) throw new JobFailure('FILE_CHANGED', 'The file was replaced while it was being processed', false);
  return object;
}

/**
 * Bytes [offset, end) of the file (checked as `rangeBody` does) in blocks of up to `blockSize`,
 * the next block's read under way while the caller works on the current one. Each block is
 * taken from its body's stream with `pace` between read steps (see `collect`).
 */
export async function* readBlocks(
  env: Env,
  key: string,
  etag: string,
  offset: number,
  end: number,
  blockSize: number,
  pace: () => Promise<void>,
): AsyncGenerator<Uint8Array> {
  const read = async (at: number): Promise<Uint8Array> => {
    const length = Math.min(blockSize, end - at);
    return collect((await rangeBody(env, key, etag, at, length)).body, length, pace);
  };
  let next = offset < end ? read(offset) : null;
  for (let at = offset; next !== null; ) {
    // A caller that stops early leaves the read in flight: its failure is nobody's then.
    void next.catch(() => undefined);
    const block = await next;
    if (block.length === 0) return;
    at += block.length;
    next = at < end ? read(at) : null;
    yield block;
  }
}

/** Bytes per read of `collect`: local R2 pumps a multipart object in 4 KiB JavaScript chunks, ~2 ms for this many. */
export const READ_STEP = 64 * 1024;

/**
 * The first `length` bytes of a byte stream as one array, read in steps of `READ_STEP` bytes
 * with `pace` after each. Read whole (`arrayBuffer()`), a 4 MiB block of a multipart
 * object held the isolate's thread under `wrangler dev` for 30–200 ms: local R2 pipes it through
 * a JavaScript stream in 4 KiB chunks, and nothing else ran until the last one (bench:data's
 * load part, README). Paced, other requests get their turns between steps; read into one buffer
 * (BYOB) rather than chunk by chunk, the steps cost about what `arrayBuffer()` did.
 */
export async function collect(stream: ReadableStream<Uint8Array>, length: number, pace: () => Promise<void>): Promise<Uint8Array> {
  let buffer = new ArrayBuffer(length);
  let filled = 0;
  const reader = stream.getReader({ mode: 'byob' });
  try {
    for (;;) {
      // Once `length` bytes are in, a one-byte read finds the stream's end (a body read to its end).
      const full = filled >= length;
      // At most a step per read: given the whole rest, local R2 pumped it all in one run.
      const view = full ? new Uint8Array(1) : new Uint8Array(buffer, filled, Math.min(READ_STEP, length - filled));
      const { done, value } = await reader.readAtLeast(view.length, view);
      // The read takes the buffer over (it is detached) and gives it back in `value`.
      if (!full && value) {
        buffer = value.buffer;
        filled += value.length;
      }
      if (done || full) break;
      await pace();
    }
  } finally {
    reader.releaseLock();
  }
  return new Uint8Array(buffer, 0, filled);
}
