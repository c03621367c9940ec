import { MAX_PATH_BYTES } from '../core/key-limits.ts';
import { tenantPrefix } from './job-blobs.ts';

/** The seed's safe file path pattern; everything else about a path is checked by `filePathProblem`. */
export const SAFE_PATH = /^[a-zA-Z0-9/_.-]+$/;

/**
 * Why `path` may not name a file, or null when it may. The pattern alone admits `..`, `.`,
 * `//` and a leading `/`: each is refused here so no key can climb out of the tenant's prefix
 * or alias another one. Paths are ASCII by the pattern, so length in bytes is length in chars.
 */
export function filePathProblem(path: string): string | null {
  if (path.length === 0) return 'The path is empty';
  if (path.length > MAX_PATH_BYTES) return `The path is longer than ${MAX_PATH_BYTES} bytes`;
  if (!SAFE_PATH.test(path)) return 'The path may contain only letters, digits and / _ . -';
  if (path.startsWith('/')) return 'The path must not start with /';
  for (const segment of path.split('/')) {
    if (segment === '') return 'The path must not contain empty segments';
    if (segment === '.' || segment === '..') return 'The path must not contain . or .. segments';
  }
  return null;
}

/** A listing prefix: like a path, but it may be empty and may end with `/`. */
export function prefixProblem(prefix: string): string | null {
  if (prefix === '') return null;
  return filePathProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

export function filesPrefix(tenant: string): string {
  return `${tenantPrefix(tenant)}files/`;
}

/** Only for a path `filePathProblem` accepted: the key then lies under the tenant's files prefix. */
export function fileKey(tenant: string, path: string): string {
  return `${filesPrefix(tenant)}${path}`;
}

export function pathOfKey(tenant: string, key: string): string {
  return key.slice(filesPrefix(tenant).length);
}

/**
 * An unfinished multipart upload's records: a session object naming its path, and one object per
 * part with its size. R2 upload ids are opaque, so they are hashed into the key.
 */
export async function uploadPrefix(tenant: string, uploadId: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(uploadId));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${uploadsPrefix(tenant)}${hex}/`;
}

export function uploadsPrefix(tenant: string): string {
  return `${tenantPrefix(tenant)}uploads/`;
}

/** Marks that the tenant owns a dataset, so datasets can be listed without a registry elsewhere. */
export function datasetsPrefix(tenant: string): string {
  return `${tenantPrefix(tenant)}datasets/`;
}

export function datasetMarkerKey(tenant: string, datasetId: string): string {
  return `${datasetsPrefix(tenant)}${datasetId}`;
}
