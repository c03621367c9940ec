import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { deliverWith, freshTenant } from '../support/api.ts';

const WORDS = 'the battery life is great but the screen scratches easily and support never answered my emails twice'.split(' ');

/** Rows of ~1,000 characters, under one write batch: without pacing, one uninterrupted CPU run. */
function reviews(rows: number): string {
  const lines = ['id,review'];
  for (let i = 1; i <= rows; i++) {
    const words: string[] = [];
    for (let w = 0; words.join(' ').length < 1000; w++) words.push(WORDS[(i * 7 + w * 3) % WORDS.length] ?? '');
    lines.push(`${i},${words.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('fairness between tenants', () => {
  it("a second tenant's requests are answered while the first tenant's heavy job runs", { timeout: 120_000 }, async () => {
    const heavy = freshTenant();
    const other = freshTenant();
    await heavy.request('PUT', '/api/v1/files/long-reviews.csv', reviews(900), { 'content-type': 'text/csv' });
    const created = await heavy.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'file_processing',
      data: { filePath: 'long-reviews.csv', datasetId: crypto.randomUUID(), processingType: 'analyze' },
    });
    expect(created.status).toBe(201);
    const jobId = created.body.data.jobId;

    // The other tenant's coordinator exists before the slice starts: its first start is no part of the wait.
    expect((await other.request('GET', '/api/v1/jobs?limit=5')).status).toBe(200);

    // The whole job in one slice (no budget): what matters is how the slice shares the isolate.
    const unbounded = { ...env, SLICE_BUDGET_MS: '600000', PROGRESS_INTERVAL_MS: '600000' };
    let running = true;
    const started = performance.now();
    const slice = deliverWith(unbounded, await heavy.pendingMessage(jobId)).finally(() => (running = false));
    const during: number[] = [];
    while (running) {
      const t0 = performance.now();
      const res = await other.request('GET', '/api/v1/jobs?limit=5');
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      if (running) during.push(performance.now() - t0);
    }
    await slice;
    const sliceMs = performance.now() - started;
    const job = await heavy.json<{ status: string }>('GET', `/api/v1/jobs/${jobId}`);
    expect(job.body.data.status).toBe('completed');

    // Without pacing the other tenant waits for the whole CPU run (measured: 2 answers, the longest
    // 84 % of the slice); with it (10 ms turns), 8–9 answers in a ~350 ms slice, 80th percentile
    // 50–61 ms (with 20 ms turns it was ~100 ms: this bound failed once the job got faster). Bounds
    // relative to the slice's own length hold on a loaded machine as on an idle one; the slowest
    // few (a dataset write, the slice's start) are left out.
    const sorted = [...during].sort((a, b) => a - b);
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(sorted[Math.floor(sorted.length * 0.8)]).toBeLessThan(sliceMs / 4);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThanOrEqual(500);
  });
});
