import { MIN_PART_SIZE, PartBuffer } from '../export/part-buffer.ts';
import { resultPartKey, scanReportKey } from '../storage/job-blobs.ts';

const encoder = new TextEncoder();
const COMMA = 0x2c;

export const reportFileName = (jobId: string): string => `security-scan-${jobId}.json`;

/**
 * Writes the findings report: one JSON document, the summary's fields then `findings`, spliced
 * from the stored result parts (each a JSON array of masked findings) one at a time into R2
 * multipart parts, so memory holds one result part and one upload part whatever the count.
 * A retried final slice rewrites the same key. Returns the report's size in bytes.
 */
export async function writeScanReport(bucket: R2Bucket, tenant: string, jobId: string, summary: object, parts: number): Promise<number> {
  const upload = await bucket.createMultipartUpload(scanReportKey(tenant, jobId), {
    httpMetadata: { contentType: 'application/json', contentDisposition: `attachment; filename="${reportFileName(jobId)}"` },
  });
  const buffer = new PartBuffer(MIN_PART_SIZE);
  const uploaded: R2UploadedPart[] = [];
  const push = async (chunk: Uint8Array): Promise<void> => {
    for (const part of buffer.push([chunk])) uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
  };
  try {
    const head = JSON.stringify(summary);
    await push(encoder.encode(`${head.slice(0, -1)}${head === '{}' ? '' : ','}"findings":[`));
    for (let part = 0; part < parts; part++) {
      const object = await bucket.get(resultPartKey(tenant, jobId, part));
      if (!object) throw new Error(`result part ${part} is missing`);
      // `[a,b]` goes in as `a,b` for the first part and `,a,b` after: the brackets are dropped.
      const bytes = new Uint8Array(await object.arrayBuffer());
      if (part > 0) bytes[0] = COMMA;
      await push(bytes.subarray(part === 0 ? 1 : 0, -1));
    }
    await push(encoder.encode(']}'));
    const last = buffer.finish();
    if (last.length > 0) uploaded.push(await upload.uploadPart(uploaded.length + 1, last));
    return (await upload.complete(uploaded)).size;
  } catch (error) {
    // An abandoned upload would linger until R2 expires it; the error is what matters.
    await upload.abort().catch(() => undefined);
    throw error;
  }
}
