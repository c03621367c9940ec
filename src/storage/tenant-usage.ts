import { filesPrefix, uploadsPrefix } from './file-keys.ts';

/**
 * An upload left open this long no longer counts against the tenant's caps: a client that lost
 * its uploadId (there is no listing of open uploads) is not locked out for good.
 */
const OPEN_UPLOAD_COUNTS_MS = 7 * 24 * 60 * 60 * 1000;

export interface FileUsage {
  files: number;
  /** Stored files plus the parts of open uploads. */
  bytes: number;
  openUploads: number;
}

async function eachObject(bucket: R2Bucket, prefix: string, include: R2ListOptions['include'], visit: (o: R2Object) => void): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, include, ...(cursor ? { cursor } : {}) });
    page.objects.forEach(visit);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

/**
 * What a tenant holds in the Files API, by listing its prefixes. The caps bound the listing:
 * at most MAX_TENANT_FILES files, and open uploads' parts are each ≥ 5 MiB but the last, so a
 * byte cap bounds their number too.
 */
export async function fileUsage(bucket: R2Bucket, tenant: string, nowMs: number): Promise<FileUsage> {
  const usage: FileUsage = { files: 0, bytes: 0, openUploads: 0 };
  await eachObject(bucket, filesPrefix(tenant), [], (o) => {
    usage.files += 1;
    usage.bytes += o.size;
  });
  const sessions = new Set<string>();
  const partBytes = new Map<string, number>();
  await eachObject(bucket, uploadsPrefix(tenant), ['customMetadata'], (o) => {
    const upload = o.key.slice(0, o.key.indexOf('/', uploadsPrefix(tenant).length));
    const meta = o.customMetadata ?? {};
    if (o.key.endsWith('/session')) {
      if (nowMs - Date.parse(meta.createdAt ?? '') < OPEN_UPLOAD_COUNTS_MS) sessions.add(upload);
    } else {
      partBytes.set(upload, (partBytes.get(upload) ?? 0) + Number(meta.size ?? 0));
    }
  });
  usage.openUploads = sessions.size;
  for (const upload of sessions) usage.bytes += partBytes.get(upload) ?? 0;
  return usage;
}
