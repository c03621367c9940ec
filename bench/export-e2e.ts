/**
 * data_export end to end, part of `npm run bench` (or `npm run bench:export-e2e` alone): starts its
 * own `wrangler dev` (port 8798, fresh state), builds datasets of 1,000 and 100,000 records the
 * real way (CSV upload + file_processing), then for each format times job create → completed →
 * download read to the end, and samples the dev server's workerd resident memory meanwhile.
 */
import { startDevServer, type DevServer } from './dev-server.ts';
import { sampler, workerdRss } from './stats.ts';

const SIZES = [1_000, 100_000];
const FORMATS = ['csv', 'json', 'xlsx'] as const;
const WORDS = 'great terrible product quality love hate fast slow shipping box screen battery would buy again never'.split(' ');

/** Reviews of 8–37 words, every tenth quoted with a comma, an escaped quote and a newline. */
function reviewsCsv(rows: number): string {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ['id,review,date,rating'];
  for (let i = 1; i <= rows; i++) {
    const words = Array.from({ length: 8 + Math.floor(rand() * 30) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const review = i % 10 === 0 ? `"${words}, said ""someone""\nsecond line"` : words;
    lines.push(`${i},${review},2025-0${1 + (i % 9)}-1${i % 10}T12:${String(i % 60).padStart(2, '0')}:00Z,${1 + (i % 5)}`);
  }
  return lines.join('\n');
}

async function call(server: DevServer, method: string, path: string, body?: string, type = 'application/json'): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.key}`, 'content-type': type },
    ...(body === undefined ? {} : { body }),
  });
  const json = (await res.json()) as { data?: Record<string, unknown> };
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json.data ?? {};
}

async function runJob(server: DevServer, type: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const created = await call(server, 'POST', '/api/v1/jobs', JSON.stringify({ type, data }));
  for (;;) {
    const job = await call(server, 'POST', `/api/v1/jobs/${String(created.jobId)}/wait`, JSON.stringify({ timeout: 300_000 })).catch(() => null);
    if (job === null) continue; // 408: still running
    if (job.status !== 'completed') throw new Error(`${type} ended ${String(job.status)}: ${String(job.error)}`);
    return job;
  }
}

/** Reads the download to the end without keeping it; returns its size. */
async function download(server: DevServer, jobId: string): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/jobs/${jobId}/download`, { headers: { authorization: `Bearer ${server.key}` } });
  if (res.status !== 200 || !res.body) throw new Error(`download answered ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Uint8Array).length;
  return bytes;
}

const MiB = 2 ** 20;

async function main(): Promise<void> {
  const server = await startDevServer(8798, { MAX_JOBS_PER_MINUTE: '1000000', MAX_JOBS_PER_HOUR: '10000000' });
  try {
    const datasets = new Map<number, string>();
    for (const rows of SIZES) {
      const path = `bench/export-${rows}.csv`;
      await call(server, 'PUT', `/api/v1/files/${path}`, reviewsCsv(rows), 'text/csv');
      const datasetId = crypto.randomUUID();
      const t0 = performance.now();
      await runJob(server, 'file_processing', { filePath: path, datasetId });
      console.log(`dataset of ${rows} records built in ${((performance.now() - t0) / 1000).toFixed(1)} s (file_processing)`);
      datasets.set(rows, datasetId);
    }
    const idle = workerdRss(server.group);
    console.log(`workerd resident before exports: ${(idle / MiB).toFixed(0)} MiB`);
    for (const rows of SIZES) {
      for (const format of FORMATS) {
        const rss = sampler(() => workerdRss(server.group));
        const t0 = performance.now();
        const job = await runJob(server, 'data_export', { datasetId: datasets.get(rows), format, includeMetadata: true });
        const t1 = performance.now();
        const bytes = await download(server, String(job.id));
        const t2 = performance.now();
        const peak = rss.stop();
        const result = job.result as { records: number; bytes: number };
        if (result.records !== rows || result.bytes !== bytes) throw new Error(`export of ${rows} ${format}: ${JSON.stringify(result)}, downloaded ${bytes}`);
        console.log(
          `export ${String(rows).padStart(7)} records ${format.padEnd(4)}  ${((t2 - t0) / 1000).toFixed(2)} s end to end ` +
            `(job ${((t1 - t0) / 1000).toFixed(2)} s, download ${((t2 - t1) / 1000).toFixed(2)} s)  ` +
            `${(bytes / MiB).toFixed(1)} MiB  workerd peak ${(peak / MiB).toFixed(0)} MiB (+${((peak - idle) / MiB).toFixed(0)})`,
        );
      }
    }
  } finally {
    await server.stop();
  }
}

await main();
