import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startDevServer, type DevServer } from '../bench/dev-server.ts';

const VARS = { SLICE_BUDGET_MS: '0', PROGRESS_INTERVAL_MS: '0', LEASE_MS: '3000', RETRY_BASE_DELAY_MS: '200', MAX_JOBS_PER_MINUTE: '1000' };
const texts = Array.from({ length: 10_000 }, (_, i) => `Review ${i}: the service was ${['excellent', 'dreadful', 'fine'][i % 3]}; mail r${i}@example.com`);


async function call<T>(server: DevServer, method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, data: ((await res.json()) as { data: T }).data };
}

async function allResults(server: DevServer, id: string): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: { data: { results: unknown[]; nextOffset: number | null } } = { data: (await call<{ results: unknown[]; nextOffset: number | null }>(server, 'GET', `/api/v1/jobs/${id}/result?offset=${offset}&limit=1000`)).data };
    results.push(...page.data.results);
    offset = page.data.nextOffset;
  }
  return results;
}

const state = mkdtempSync(join(tmpdir(), 'crash-state-'));
const servers: DevServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop().catch(() => undefined);
  rmSync(state, { recursive: true, force: true });
});

describe('a crash mid-job', () => {
  it('finishes the job exactly once after SIGKILL and restart, with the same output as an uninterrupted run', async () => {
    const port = await freePort();
    const first = await startDevServer(port, VARS, { stateDir: state });
    servers.push(first);
    const created = await call<{ jobId: string }>(first, 'POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts } });
    expect(created.status).toBe(201);
    const id = created.data.jobId;

    // Kill the whole process group (wrangler, workerd, the queue in memory) part-way through.
    let processed = 0;
    for (let i = 0; i < 2000 && processed < 1500; i++) {
      processed = (await call<{ processingStats: { processedItems: number } }>(first, 'GET', `/api/v1/jobs/${id}`)).data.processingStats.processedItems;
    }
    await first.crash();
    expect(processed).toBeGreaterThanOrEqual(1500);
    expect(processed).toBeLessThan(10_000);

    // Same state on disk: the coordinator's alarm finds the lapsed lease and dispatches again.
    const second = await startDevServer(port, VARS, { stateDir: state });
    servers.push(second);
    const waited = await call<{ status: string; attempts: number; processingStats: { processedItems: number } }>(second, 'POST', `/api/v1/jobs/${id}/wait`, { timeout: 120_000 });
    expect(waited.status).toBe(200);
    expect(waited.data).toMatchObject({ status: 'completed', processingStats: { processedItems: 10_000 } });
    expect(waited.data.attempts).toBeGreaterThanOrEqual(2);

    const history = await call<{ events: { action: string; outcome: string }[] }>(second, 'GET', `/api/v1/jobs/${id}/history`);
    expect(history.data.events.filter((e) => e.action === 'job.state' && e.outcome === 'completed')).toHaveLength(1);
    expect(history.data.events.some((e) => e.action === 'job.lease' && e.outcome === 'expired')).toBe(true);

    const reference = await call<{ jobId: string }>(second, 'POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts } });
    await call(second, 'POST', `/api/v1/jobs/${reference.data.jobId}/wait`, { timeout: 120_000 });
    const [crashed, clean] = [await allResults(second, id), await allResults(second, reference.data.jobId)];
    expect(crashed).toHaveLength(10_000);
    expect(crashed).toEqual(clean);

    const stats = await call<{ running: number; pending: number }>(second, 'GET', '/api/v1/jobs/stats/summary');
    expect(stats.data).toMatchObject({ running: 0, pending: 0 });
  }, 240_000);
});
