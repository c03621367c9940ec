/**
 * The platform floor under `wrangler dev`, for `npm run bench:overhead`: a Hono route with no
 * I/O, one Durable Object RPC reading one row, one writing one row (as a job create does), one
 * also moving the alarm, one R2 put + get of a small object, and one queue send → consume round
 * trip; for `npm run bench:data`, ranged reads of a large object inside the worker, stored by one
 * put or as a multipart upload, the scanner's detectors run in the isolate, and the cost of an
 * idle event-loop turn. Bench-only: not part of the product.
 */
import { DurableObject } from 'cloudflare:workers';
import { Hono } from 'hono';
import { createScanner } from '../../src/scan/scanner.ts';

export class FloorObject extends DurableObject<Env> {
  private readonly arrivals = new Map<string, () => void>();
  private readonly early = new Set<string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS hits (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
  }

  hit(): number {
    return this.ctx.storage.sql
      .exec<{ n: number }>("INSERT INTO hits (k, n) VALUES ('hit', 1) ON CONFLICT (k) DO UPDATE SET n = n + 1 RETURNING n")
      .one().n;
  }

  /** One row read: the floor of a read-only RPC. */
  peek(): number {
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT COALESCE(MAX(n), 0) AS n FROM hits").one().n;
  }

  /** One row written and the alarm moved, as a job start re-arms the coordinator's alarm. */
  hitAndArm(): number {
    void this.ctx.storage.setAlarm(Date.now() + 60_000);
    return this.hit();
  }

  /** Nothing to do: the alarm is only ever moved, as the floor of that write. */
  override alarm(): void {}

  /** Resolves when the consumer reports the message `id` (or at once if it already did). */
  awaitArrival(id: string): Promise<void> {
    if (this.early.delete(id)) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.set(id, resolve));
  }

  arrived(id: string): void {
    const resolve = this.arrivals.get(id);
    if (resolve) {
      this.arrivals.delete(id);
      resolve();
    } else {
      this.early.add(id);
    }
  }
}

const floor = (env: Env) => env.FLOOR_OBJECT.get(env.FLOOR_OBJECT.idFromName('floor'));
const SMALL = JSON.stringify({ texts: Array.from({ length: 10 }, (_, i) => `A short text to analyse, number ${i}.`) });

const MiB = 1024 * 1024;
const blobKey = (partMiB: number) => `floor/blob-${partMiB}`;
const query = (value: string | undefined, fallback: number) => Number(value ?? fallback);

/** `mib` MiB of printable bytes stored in one put (`partMiB` 0) or as a multipart upload of `partMiB` parts. */
async function putBlob(bucket: R2Bucket, mib: number, partMiB: number): Promise<number> {
  const size = mib * MiB;
  const part = new Uint8Array((partMiB || 1) * MiB).map((_, i) => 32 + ((i * 7919) % 90));
  if (partMiB === 0) {
    const { readable, writable } = new FixedLengthStream(size);
    const stored = bucket.put(blobKey(0), readable);
    const writer = writable.getWriter();
    for (let at = 0; at < size; at += MiB) await writer.write(part);
    await writer.close();
    await stored;
    return size;
  }
  const upload = await bucket.createMultipartUpload(blobKey(partMiB));
  const uploaded: R2UploadedPart[] = [];
  for (let at = 0; at < size; at += part.length) uploaded.push(await upload.uploadPart(uploaded.length + 1, part.subarray(0, Math.min(part.length, size - at))));
  await upload.complete(uploaded);
  return size;
}

const app = new Hono<{ Bindings: Env }>()
  .get('/ping', (c) => c.json({ ok: true }))
  .get('/rpc-read', async (c) => c.json({ n: await floor(c.env).peek() }))
  .get('/rpc-alarm', async (c) => c.json({ n: await floor(c.env).hitAndArm() }))
  .get('/rpc', async (c) => c.json({ n: await floor(c.env).hit() }))
  .get('/r2', async (c) => {
    const key = `floor/${crypto.randomUUID()}`;
    await c.env.FLOOR_BLOBS.put(key, SMALL);
    const object = await c.env.FLOOR_BLOBS.get(key);
    const bytes = object ? (await object.arrayBuffer()).byteLength : 0;
    c.executionCtx.waitUntil(c.env.FLOOR_BLOBS.delete(key));
    return c.json({ bytes });
  })
  // The read a security_scan job makes: ranged gets of `block` MiB, each body read with arrayBuffer().
  .post('/blob', async (c) => c.json({ bytes: await putBlob(c.env.FLOOR_BLOBS, query(c.req.query('mib'), 112), query(c.req.query('partMiB'), 0)) }))
  .get('/blob', async (c) => {
    const key = blobKey(query(c.req.query('partMiB'), 0));
    const block = query(c.req.query('block'), 4) * MiB;
    const size = (await c.env.FLOOR_BLOBS.head(key))?.size ?? 0;
    let bytes = 0;
    for (let offset = 0; offset < size; offset += block) {
      const object = await c.env.FLOOR_BLOBS.get(key, { range: { offset, length: Math.min(block, size - offset) } });
      bytes += object ? (await object.arrayBuffer()).byteLength : 0;
    }
    return c.json({ bytes });
  })
  // The scanner's detectors alone in the isolate, on the posted bytes (pushed in 64 KiB chunks as
  // the floor in plain Node is): what workerd's own speed for them is, beside Node's.
  .post('/detect', async (c) => {
    const data = new Uint8Array(await c.req.arrayBuffer());
    const t0 = performance.now();
    const scanner = createScanner({ maxFindings: 10_000 });
    for (let o = 0; o < data.length; o += 64 * 1024) scanner.push(data.subarray(o, o + 64 * 1024), o);
    const findings = scanner.finish().totalFindings;
    return c.json({ ms: performance.now() - t0, findings });
  })
  // What a pacing turn (`pacer`: a setTimeout of 0) costs when nothing else is waiting.
  .get('/turns', async (c) => {
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    const t1 = performance.now();
    for (let i = 0; i < n; i++) await scheduler.wait(0);
    return c.json({ setTimeoutMs: (t1 - t0) / n, schedulerWaitMs: (performance.now() - t1) / n });
  })
  .get('/queue', async (c) => {
    const id = crypto.randomUUID();
    const arrival = floor(c.env).awaitArrival(id);
    await c.env.FLOOR_QUEUE.send({ id }, { contentType: 'json' });
    await arrival;
    return c.json({ id });
  });

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    for (const message of batch.messages) {
      const body = message.body as { id?: unknown };
      if (typeof body.id === 'string') await floor(env).arrived(body.id);
      message.ack();
    }
  },
} satisfies ExportedHandler<Env>;
