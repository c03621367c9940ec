/**
 * The product's DatasetStore under `wrangler dev`, for `npm run bench:store`: a batch of encoded
 * rows arrives as an HTTP body and goes to the store's own `appendRows` over RPC, timed inside
 * the object (the write) and in the worker (the RPC, its commit included). `exec` runs any SQL
 * (a variant's schema change, a pragma) and answers with the rows or the error's text.
 * Bench-only: not part of the product.
 */
import { DatasetStore } from '../../src/durable/dataset-store.ts';
import type { RowBatch } from '../../src/durable/dataset-schema.ts';

type Answer = { ok: true; rows: Record<string, SqlStorageValue>[] } | { ok: false; error: string };

export class ProbeStore extends DatasetStore {
  exec(query: string): Answer {
    try {
      return { ok: true, rows: this.ctx.storage.sql.exec(query).toArray() };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** `appendRows`, and the milliseconds it ran (workerd's clock, which may only move on I/O). */
  timedAppend(batch: RowBatch): { ms: number; written: number } {
    const t0 = performance.now();
    const result = this.appendRows('probe', 'job', [batch], ['id', 'date', 'rating']);
    const ms = performance.now() - t0;
    return { ms, written: result.ok ? result.value.written : -1 };
  }

  /** A batch kept as one row, in file order (the alternative that changes the read order): its cost. */
  blobAppend(batch: RowBatch): { ms: number; written: number } {
    const t0 = performance.now();
    this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS batch_rows (k INTEGER PRIMARY KEY, count INTEGER NOT NULL, rows TEXT NOT NULL)');
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO batch_rows (k, count, rows) VALUES (?, ?, ?)', batch.first, batch.count, batch.rows);
    return { ms: performance.now() - t0, written: batch.count };
  }

  /** The same RPC with no write: the floor of moving a batch here. */
  receive(batch: RowBatch): { ms: number; written: number } {
    return { ms: 0, written: batch.rows.length };
  }

  databaseSize(): number {
    return this.ctx.storage.sql.databaseSize;
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const name = url.searchParams.get('do') ?? 'probe';
    const store = env.DATASET_STORE.get(env.DATASET_STORE.idFromName(name));
    const body = await request.text();
    const t0 = Date.now();
    let answer: unknown;
    switch (url.pathname) {
      case '/attach':
        answer = await store.attach('probe', 'job', { file: 'reviews.csv', format: 'csv' });
        break;
      case '/exec':
        answer = await store.exec(body);
        break;
      case '/size':
        answer = await store.databaseSize();
        break;
      case '/append':
      case '/blob':
      case '/receive': {
        const q = (k: string): number => Number(url.searchParams.get(k));
        const batch: RowBatch = { source: 'reviews.csv', rows: body, count: q('count'), first: q('first'), last: q('last') };
        answer =
          url.pathname === '/append' ? await store.timedAppend(batch) : url.pathname === '/blob' ? await store.blobAppend(batch) : await store.receive(batch);
        break;
      }
      default:
        return new Response('not found', { status: 404 });
    }
    return Response.json({ rpcMs: Date.now() - t0, answer });
  },
};
