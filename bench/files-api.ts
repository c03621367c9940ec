// The bench scripts' HTTP client for a running API: JSON calls and file uploads (one PUT up to
// 90 MB, multipart beyond, as docs/files.md describes).
export type Call = (method: string, path: string, body?: BodyInit, headers?: Record<string, string>) => Promise<Record<string, unknown>>;

export function apiCall(base: string, key: string): Call {
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${base}${path}`, { method, body, headers: { authorization: `Bearer ${key}`, ...headers } });
    const json = (await res.json()) as { data: Record<string, unknown> };
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json.data;
  };
}

/** Above this a file is uploaded in parts of UPLOAD_PART bytes. */
export const SINGLE_PUT_MAX = 90_000_000;
export const UPLOAD_PART = 50 * 2 ** 20;

export async function uploadFile(call: Call, bytes: Uint8Array<ArrayBuffer>, name: string, contentType = 'application/octet-stream'): Promise<Record<string, unknown>> {
  if (bytes.length <= SINGLE_PUT_MAX) return call('PUT', `/api/v1/files/${name}`, bytes, { 'content-type': contentType });
  const { uploadId } = (await call('POST', `/api/v1/files/${name}?uploads`)) as { uploadId: string };
  const id = encodeURIComponent(uploadId);
  for (let n = 1, at = 0; at < bytes.length; n++, at += UPLOAD_PART) {
    await call('PUT', `/api/v1/files/${name}?uploadId=${id}&partNumber=${n}`, bytes.subarray(at, at + UPLOAD_PART));
  }
  return call('POST', `/api/v1/files/${name}?uploadId=${id}`, JSON.stringify({}), { 'content-type': 'application/json' });
}

/** Creates a job and waits for its end (re-asking when a wait times out). */
export async function runJob(call: Call, type: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const json = { 'content-type': 'application/json' };
  const { jobId } = (await call('POST', '/api/v1/jobs', JSON.stringify({ type, data }), json)) as { jobId: string };
  for (;;) {
    const done = await call('POST', `/api/v1/jobs/${jobId}/wait`, JSON.stringify({ timeout: 300_000 }), json).catch(() => null);
    if (done && (done.status === 'completed' || done.status === 'failed' || done.status === 'cancelled')) return done;
  }
}
