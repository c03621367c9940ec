import type { ResultItems } from '../core/job-record.ts';

/** R2 layout: everything a tenant owns lives under `t/{tenant}/`; a job's objects under its own prefix. */
export function tenantPrefix(tenant: string): string {
  return `t/${tenant}/`;
}

export function jobPrefix(tenant: string, jobId: string): string {
  return `${tenantPrefix(tenant)}jobs/${jobId}/`;
}

export function jobInputKey(tenant: string, jobId: string): string {
  return `${jobPrefix(tenant, jobId)}input.json`;
}

/** A schedule's job data, copied to each firing's job input (deleted with the schedule). */
export function scheduleInputKey(tenant: string, scheduleId: string): string {
  return `${tenantPrefix(tenant)}schedules/${scheduleId}/input.json`;
}

/** A data_export job's file: under the job's prefix, so cleanup deletes it with the job. */
export function exportObjectKey(tenant: string, jobId: string, extension: string): string {
  return `${jobPrefix(tenant, jobId)}export.${extension}`;
}

/** A security_scan job's findings report (served by the download route), beside its result parts. */
export function scanReportKey(tenant: string, jobId: string): string {
  return `${jobPrefix(tenant, jobId)}report.json`;
}

export function resultPartKey(tenant: string, jobId: string, part: number): string {
  return `${jobPrefix(tenant, jobId)}results/${String(part).padStart(6, '0')}.json`;
}

/** Deletes every object under the job's prefix; returns how many it deleted. Idempotent. */
export async function deleteJobBlobs(bucket: R2Bucket, tenant: string, jobId: string): Promise<number> {
  const prefix = jobPrefix(tenant, jobId);
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    const keys = page.objects.map((o) => o.key);
    if (keys.length > 0) {
      await bucket.delete(keys);
      deleted += keys.length;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

/**
 * Reads items [offset, offset + limit) of a result stored as parts of `partSize` items each,
 * touching only the parts that overlap the range.
 */
export async function readResultItems(
  bucket: R2Bucket,
  tenant: string,
  jobId: string,
  items: ResultItems,
  offset: number,
  limit: number,
): Promise<unknown[]> {
  const end = Math.min(items.total, offset + limit);
  if (offset >= end) return [];
  if (items.inline) return items.inline.slice(offset, end);
  const first = Math.floor(offset / items.partSize);
  const last = Math.floor((end - 1) / items.partSize);
  const parts = await Promise.all(
    Array.from({ length: last - first + 1 }, async (_, i) => {
      const object = await bucket.get(resultPartKey(tenant, jobId, first + i));
      if (!object) throw new Error(`result part ${first + i} is missing`);
      return (await object.json()) as unknown[];
    }),
  );
  return parts.flat().slice(offset - first * items.partSize, end - first * items.partSize);
}
