import { createExecutionContext, runDurableObjectAlarm, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/index.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachDataset } from '../../src/durable/dataset-store.ts';
import { deliver, freshTenant, type Client } from '../support/api.ts';

/** Regression tests for the outside audit (issue 12), each through the HTTP API. */

async function putFile(client: Client, path: string, body: string, headers: Record<string, string> = {}) {
  return client.request('PUT', `/api/v1/files/${path}`, body, { 'content-type': 'text/plain', ...headers });
}

async function code(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { details?: { code: string } }).details?.code;
}

describe('file paths fit an R2 key (finding 2)', () => {
  it('refuses a path that would overflow the 1,024-byte key with 400 INVALID_PATH naming the limit, on every file route and as a filePath', async () => {
    const client = freshTenant();
    for (const length of [952, 1012, 1024]) {
      const path = `d/${'a'.repeat(length - 2)}`;
      for (const [method, query, body] of [
        ['PUT', '', 'x'],
        ['GET', '', undefined],
        ['DELETE', '', undefined],
        ['POST', '?uploads', undefined],
      ] as const) {
        const res = await client.request(method, `/api/v1/files/${path}${query}`, body, body ? { 'content-type': 'text/plain' } : {});
        expect(res.status, `${method}${query} ${length}`).toBe(400);
        const envelope = (await res.json()) as { error: string; details: { code: string; maxBytes: number } };
        expect(envelope.details).toMatchObject({ code: 'INVALID_PATH', maxBytes: 951 });
        expect(envelope.error).toContain('951');
      }
      const job = await client.json('POST', '/api/v1/jobs', { type: 'security_scan', data: { filePath: path } });
      expect(job.status).toBe(400);
      expect(JSON.stringify(job.body.details)).toContain('951');
    }
  });

  it('accepts the longest path for the longest tenant id, and every tenant gets the same limit', async () => {
    const client = freshTenant();
    const path = `d/${'b'.repeat(949)}`;
    expect((await putFile(client, path, 'fits')).status).toBe(201);
    expect(await (await client.request('GET', `/api/v1/files/${path}`)).text()).toBe('fits');
    expect((await client.request('DELETE', `/api/v1/files/${path}`)).status).toBe(200);
  });
});

describe('callbackUrl targets (finding 4)', () => {
  const REFUSED = [
    'https://LOCALHOST./',
    'https://localhost../hook',
    'https://printer.local/',
    'https://[::127.0.0.1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:0:a00:1]/',
    'https://[64:ff9b::7f00:1]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[64:ff9b:1::1]/',
    'https://[2002:7f00:1::]/',
    'https://[2002:c0a8:101::1]/',
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    'https://[fec0::1]/',
    'https://[ff02::1]/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://[::]/',
    'https://198.18.0.1/',
    'https://198.19.255.255/',
    'https://192.0.0.1/',
    'https://192.0.2.1/',
    'https://0x7f.1/',
    'https://2130706433/',
    'https://169.254.169.254./',
    'https://255.255.255.255/',
  ];
  const ACCEPTED = ['https://hooks.example.com/x', 'https://[2606:4700::1111]/', 'https://[::ffff:8.8.8.8]/', 'https://[64:ff9b::808:808]/', 'https://1.1.1.1/'];

  it('refuses loopback, private, link-local, multicast and reserved targets in every spelling, and accepts public ones', async () => {
    const client = freshTenant();
    const create = (callbackUrl: string) => client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] }, callbackUrl });
    for (const callbackUrl of REFUSED) {
      const res = await create(callbackUrl);
      expect(res.status, callbackUrl).toBe(400);
      expect(JSON.stringify(res.body.details)).toContain('callbackUrl');
    }
    for (const callbackUrl of ACCEPTED) expect((await create(callbackUrl)).status, callbackUrl).toBe(201);
  });
});

describe('stored files are inert in a browser (finding 5)', () => {
  it('serves an uploaded HTML file as a sandboxed, unsniffed attachment, whole and ranged', async () => {
    const client = freshTenant();
    await putFile(client, 'pages/x.html', '<script>alert(document.cookie)</script>', { 'content-type': 'text/html' });
    for (const headers of [{}, { range: 'bytes=0-7' }] as Record<string, string>[]) {
      const res = await client.request('GET', '/api/v1/files/pages/x.html', undefined, headers);
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="x.html"');
      expect(res.headers.get('content-security-policy')).toMatch(/^sandbox/);
      await res.body?.cancel();
    }
  });
});

describe('no input value is repeated back or logged (finding 6)', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());

  const CARD = '4111111111111111';
  const EMAIL = 'canary.person@example.org';

  it('a bad cron expression or time zone is refused without quoting it', async () => {
    const client = freshTenant();
    const job = { type: 'sentiment_analysis_batch', data: { texts: ['x'] } };
    for (const body of [
      { cron: `${CARD} ${EMAIL}`, timezone: 'UTC', job },
      { cron: '*/5 * * * *', timezone: `${CARD}/${EMAIL}`, job },
    ]) {
      const res = await client.request('POST', '/api/v1/schedules', body);
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toContain(CARD);
      expect(text).not.toContain(EMAIL);
    }
  });

  it('keeps a well-formed X-Request-Id, replaces one carrying a long digit run or an email everywhere, and 404s name no such id', async () => {
    const client = freshTenant();
    const kept = await client.request('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] } }, { 'x-request-id': 'req-create-1' });
    expect(kept.headers.get('x-request-id')).toBe('req-create-1');
    for (const offered of [`order-${CARD}`, EMAIL, 'a'.repeat(65), 'spaces are not ids']) {
      const res = await client.request('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] } }, { 'x-request-id': offered });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const audit = await client.request('GET', '/api/v1/audit?limit=100');
    const trail = await audit.text();
    for (const path of [`/api/v1/jobs/${CARD}`, `/api/v1/schedules/${encodeURIComponent(EMAIL)}`, `/api/v1/nothing/${CARD}`]) {
      const missing = await client.request('GET', path);
      expect(missing.status).toBe(404);
      expect(await missing.text()).not.toContain(CARD);
    }
    expect(trail).toContain('req-create-1');
    for (const leaked of [CARD, EMAIL]) {
      expect(trail).not.toContain(leaked);
      for (const line of lines) expect(line).not.toContain(leaked);
    }
  });
});

describe('records cursor (finding 7)', () => {
  it('answers 400 for a cursor it never returned instead of starting over', async () => {
    const client = freshTenant();
    const id = crypto.randomUUID();
    const store = await attachDataset(env, client.tenant, id, 'job-1', { file: 'in.csv', format: 'csv' });
    const record = (line: number) => ({
      id: `f-${line}`,
      text: `text ${line}`,
      sentiment: null,
      score: null,
      confidence: null,
      createdMs: Date.UTC(2025, 0, line),
      sourceFile: 'in.csv',
      sourceLine: line,
      fields: {},
    });
    await store.append(client.tenant, 'job-1', [record(1), record(2), record(3)], ['text']);
    await store.detach(client.tenant, 'job-1');
    const first = await client.json<{ cursor: string }>('GET', `/api/v1/datasets/${id}/records?limit=1`);
    const next = await client.json<{ records: { id: string }[] }>('GET', `/api/v1/datasets/${id}/records?limit=1&cursor=${first.body.data.cursor}`);
    expect(next.body.data.records.map((r) => r.id)).toEqual(['f-2']);
    for (const bad of ['garbage', '_f-1', 'abc_f-1', '12_', '1e3_f-1']) {
      const res = await client.json('GET', `/api/v1/datasets/${id}/records?limit=1&cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.details?.code).toBe('INVALID_REQUEST');
      expect(JSON.stringify(res.body)).not.toContain(bad);
    }
  });
});

describe('per-tenant caps (finding 8)', () => {
  /** The Worker as an operator would configure it with small storage caps. */
  const capped = { ...env, MAX_TENANT_FILE_BYTES: '2000000', MAX_TENANT_FILES: '20', MAX_OPEN_UPLOADS: '3' };
  async function call(client: Client, method: string, path: string, body?: string) {
    const ctx = createExecutionContext();
    const headers: Record<string, string> = { authorization: `Bearer ${client.key}` };
    // Called directly, not through the runtime's fetch: the length header is ours to set.
    if (body !== undefined) Object.assign(headers, { 'content-type': 'text/plain', 'content-length': String(body.length) });
    const res = await worker.fetch(new Request(`http://localhost${path}`, { method, headers, body }), capped, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }
  const putCapped = (client: Client, path: string, body: string) => call(client, 'PUT', `/api/v1/files/${path}`, body);

  async function refused(res: Response, quota: string) {
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as { details: Record<string, unknown> }).details).toMatchObject({ code: 'QUOTA_EXCEEDED', quota });
  }

  it('caps stored file bytes, counting replaced files once and open uploads\' parts', async () => {
    const client = freshTenant();
    expect((await putCapped(client, 'a.bin', 'a'.repeat(1_500_000))).status).toBe(201);
    await refused(await putCapped(client, 'b.bin', 'b'.repeat(600_000)), 'fileBytes');
    // Replacing a file counts its new size only.
    expect((await putCapped(client, 'a.bin', 'a'.repeat(1_900_000))).status).toBe(200);
    const start = await call(client, 'POST', '/api/v1/files/c.bin?uploads');
    expect(start.status).toBe(201);
    const { uploadId } = ((await start.json()) as { data: { uploadId: string } }).data;
    const part = (n: number, size: number) => call(client, 'PUT', `/api/v1/files/c.bin?uploadId=${encodeURIComponent(uploadId)}&partNumber=${n}`, 'c'.repeat(size));
    expect((await part(1, 100_000)).status).toBe(200);
    await refused(await part(1, 200_000), 'fileBytes');
    // The open upload's part counts too: 1,900,000 + 100,000 fill the cap, and one more byte does not fit.
    expect((await putCapped(client, 'empty.bin', '')).status).toBe(201);
    await refused(await putCapped(client, 'd.bin', 'd'), 'fileBytes');
    expect((await call(client, 'DELETE', '/api/v1/files/a.bin')).status).toBe(200);
    expect((await putCapped(client, 'b.bin', 'b'.repeat(600_000))).status).toBe(201);
  });

  it('caps the number of files and of open multipart uploads', async () => {
    const client = freshTenant();
    for (let i = 0; i < 20; i++) expect((await putCapped(client, `f${i}.txt`, 'x')).status).toBe(201);
    await refused(await putCapped(client, 'f20.txt', 'x'), 'files');
    expect((await putCapped(client, 'f0.txt', 'replaced')).status).toBe(200);
    await refused(await call(client, 'POST', '/api/v1/files/f20.txt?uploads'), 'files');

    const other = freshTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(other, 'POST', `/api/v1/files/u${i}.bin?uploads`);
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { data: { uploadId: string } }).data.uploadId);
    }
    await refused(await call(other, 'POST', '/api/v1/files/u3.bin?uploads'), 'openUploads');
    expect((await call(other, 'DELETE', `/api/v1/files/u0.bin?uploadId=${encodeURIComponent(ids[0] ?? '')}`)).status).toBe(200);
    expect((await call(other, 'POST', '/api/v1/files/u3.bin?uploads')).status).toBe(201);
  });
});

describe('request bodies are strict UTF-8 (finding 10)', () => {
  it('refuses a job body with bytes that are not UTF-8 with 400 INVALID_JSON, and creates nothing', async () => {
    const client = freshTenant();
    const valid = new TextEncoder().encode('{"type":"sentiment_analysis_batch","data":{"texts":["caf\u00e9 ok"]}}');
    // The same job with a lone continuation byte and a truncated sequence in the text.
    const broken = new TextEncoder().encode('{"type":"sentiment_analysis_batch","data":{"texts":["caf__ ok"]}}');
    broken.set([0x80, 0xc3], new TextDecoder().decode(broken).indexOf('caf__') + 3);
    const bad = await client.request('POST', '/api/v1/jobs', broken);
    expect(bad.status).toBe(400);
    expect(await code(bad)).toBe('INVALID_JSON');
    const bulk = await client.request('POST', '/api/v1/jobs/bulk', new TextEncoder().encode(`{"jobs":[${new TextDecoder().decode(valid)}]}`).map((b, i) => (i === 60 ? 0xff : b)));
    expect(bulk.status).toBe(400);
    expect((await client.json<{ total: number }>('GET', '/api/v1/jobs')).body.data.total).toBe(0);
    expect((await client.request('POST', '/api/v1/jobs', valid)).status).toBe(201);
  });
});

describe('schedules keep job data out of the coordinator, capped (finding 3)', () => {
  const schedule = (texts: string[]) => ({ cron: '*/5 * * * *', timezone: 'UTC', job: { type: 'sentiment_analysis_batch', data: { texts } } });

  it('refuses job data over 1 MiB with 413, and fires a large schedule into an ordinary job', async () => {
    const client = freshTenant();
    const tooBig = await client.json('POST', '/api/v1/schedules', schedule(Array.from({ length: 800 }, () => 'x'.repeat(1500))));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.details).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 1024 * 1024 });

    const texts = Array.from({ length: 600 }, (_, i) => `${i} `.padEnd(1500, 'fine weather. '));
    const created = await client.json<{ id: string }>('POST', '/api/v1/schedules', schedule(texts));
    expect(created.status).toBe(201);
    expect((await client.json<{ schedules: unknown[] }>('GET', '/api/v1/schedules')).body.data.schedules).toHaveLength(1);
    await client.advanceClock(5 * 60_000 + 1);
    await runDurableObjectAlarm(client.coordinator());
    const jobs = await client.json<{ jobs: { id: string }[] }>('GET', '/api/v1/jobs');
    expect(jobs.body.data.jobs).toHaveLength(1);
    const id = jobs.body.data.jobs[0]?.id ?? '';
    expect((await client.json('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ processingStats: { totalItems: 600 } });
    // The job reads the schedule's data: it completes with one result per text.
    for (let slice = 0; slice < 50 && (await client.json('GET', `/api/v1/jobs/${id}`)).body.data.status === 'running'; slice++) {
      await deliver(await client.pendingMessage(id));
    }
    expect((await client.json('GET', `/api/v1/jobs/${id}`)).body.data).toMatchObject({ status: 'completed', processingStats: { processedItems: 600 } });
  });

  it('caps schedules per tenant (MAX_SCHEDULES, 5 here) with 429 and Retry-After', async () => {
    const client = freshTenant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await client.json<{ id: string }>('POST', '/api/v1/schedules', schedule([`s${i}`]));
      expect(res.status).toBe(201);
      ids.push(res.body.data.id);
    }
    const refused = await client.json('POST', '/api/v1/schedules', schedule(['one more']));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.details).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'schedules', limit: 5 });
    expect((await client.json('DELETE', `/api/v1/schedules/${ids[0]}`)).status).toBe(200);
    expect((await client.json('POST', '/api/v1/schedules', schedule(['fits again']))).status).toBe(201);
  });
});

describe('webhook history is no status oracle (finding 4)', () => {
  async function outcomes(client: Client, callbackUrl: string): Promise<string[]> {
    const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] }, callbackUrl, delay: 60_000 });
    const id = created.body.data.jobId;
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    for (let round = 0; round < 20; round++) {
      const history = await client.json<{ events: { action: string; outcome: string; detail: string }[] }>('GET', `/api/v1/jobs/${id}/history`);
      const deliveries = history.body.data.events.filter((e) => e.action === 'webhook.delivery');
      if (deliveries.length > 0) return deliveries.map((e) => `${e.outcome}: ${e.detail}`);
      await runDurableObjectAlarm(client.coordinator());
    }
    throw new Error('no delivery attempt');
  }

  it('records a 503, a 502 and a bad-signature 401 all as the same "failed"', async () => {
    const client = freshTenant();
    const seen = [
      await outcomes(client, `https://receiver.test/down/${client.tenant}/a`),
      await outcomes(client, 'https://unreachable.example/hook'),
      await outcomes(client, 'https://receiver.test/down/not-this-tenant/b'),
    ];
    for (const attempts of seen) expect(attempts).toEqual(['failed: attempt 1, will retry']);
  });
});

describe('held-open calls are capped per tenant (finding 8)', () => {
  it('answers the wait past MAX_WAITERS (8 here) with 429 and Retry-After, and frees the slots when the job ends', async () => {
    const client = freshTenant();
    const delayed = async () =>
      (await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['held'] }, delay: 60_000 })).body.data.jobId;
    const held = await delayed();
    const waits = Array.from({ length: 9 }, () => client.json('POST', `/api/v1/jobs/${held}/wait`, { timeout: 60_000 }));
    const first = await Promise.race(waits);
    expect(first.status).toBe(429);
    expect(first.body.details).toMatchObject({ code: 'QUOTA_EXCEEDED', quota: 'waiters', limit: 8 });
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    await client.json('DELETE', `/api/v1/jobs/${held}`);
    expect((await Promise.all(waits)).map((w) => w.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    expect((await client.json('POST', `/api/v1/jobs/${await delayed()}/wait`, { timeout: 1 })).status).toBe(408);
  });

  it('answers the event stream past MAX_EVENT_STREAMS (4 here) with 429, and frees the slots when streams end', async () => {
    const client = freshTenant();
    const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['held'] }, delay: 60_000 });
    const id = created.body.data.jobId;
    const streams: Response[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await client.request('GET', `/api/v1/jobs/${id}/events`);
      expect(res.status).toBe(200);
      streams.push(res);
    }
    const refused = await client.request('GET', `/api/v1/jobs/${id}/events`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await code(refused)).toBe('QUOTA_EXCEEDED');
    await client.json('DELETE', `/api/v1/jobs/${id}`);
    for (const res of streams) expect(await res.text()).toContain('event: cancelled');
    const again = await client.request('GET', `/api/v1/jobs/${id}/events`);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('event: cancelled');
  });
});

describe('one bad unit of alarm work does not stop the rest (finding 9)', () => {
  it('audits a schedule that cannot fire and still dispatches due jobs in the same alarm', async () => {
    const client = freshTenant();
    const created = await client.json<{ id: string }>('POST', '/api/v1/schedules', {
      cron: '*/5 * * * *',
      timezone: 'UTC',
      job: { type: 'sentiment_analysis_batch', data: { texts: ['x'] } },
    });
    const job = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['delayed'] }, delay: 60_000 });
    // A row that throws when fired (as a corrupt one would); then time makes it and the delayed job due.
    await client.sql("UPDATE schedules SET cron = 'not a cron' WHERE id = ?", created.body.data.id);
    await client.advanceClock(5 * 60_000 + 1);
    for (let run = 0; run < 2; run++) await runDurableObjectAlarm(client.coordinator());
    expect((await client.json('GET', `/api/v1/jobs/${job.body.data.jobId}`)).body.data.status).toBe('running');
    const audit = await client.json<{ events: { action: string; outcome: string; detail: string | null }[] }>('GET', '/api/v1/audit?limit=100');
    const errors = audit.body.data.events.filter((e) => e.action === 'alarm.error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.detail).toContain(`schedule ${created.body.data.id}`);
    expect((await client.json('GET', `/api/v1/schedules/${created.body.data.id}`)).body.data).toMatchObject({ nextRunAt: null, refused: 1 });
  });
});
