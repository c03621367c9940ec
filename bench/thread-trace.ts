/**
 * Where the workerd thread's time goes, from workerd's own async trace (`--async-trace`: one JSON
 * line per request context, turn, I/O): bench:overhead runs one of its phases on a `wrangler dev`
 * whose workerd processes each write a trace, then adds up the turns (the time a context held its
 * isolate's thread) per worker. Under `wrangler dev` two workerd processes answer a request: the
 * proxy wrangler puts on the public port, and the runtime (entry, assets routing, the Worker, its
 * Durable Objects, the queue broker); each runs its isolates on one thread.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ThreadTrace {
  /** Environment for `startDevServer`: Miniflare starts this wrapper instead of workerd. */
  env: Record<string, string>;
  /** Thread time per worker of each traced process between two wall-clock times (ms). */
  read(fromMs: number, toMs: number): ProcessThreadTime[];
  /** Deletes the traces (after the server stopped). */
  close(): void;
}

export interface ProcessThreadTime {
  /** The process answering the public port (wrangler's proxy) or the one running the Worker. */
  role: 'proxy' | 'runtime';
  /** Per worker (Durable Objects marked), in ms of the thread, and how many request contexts. */
  workers: Map<string, { ms: number; contexts: number }>;
}

/** Our own code, as against the local platform's workers (entry, assets, proxies, queue broker). */
export const OWN_WORKER = 'core:user:datacloak-job-queue';

/** A wrapper for workerd that adds `--async-trace <dir>/trace-<pid>.jsonl` to `serve`. */
export function threadTrace(): ThreadTrace {
  const dir = mkdtempSync(join(tmpdir(), 'bench-trace-'));
  const workerd = createRequire(import.meta.url)('workerd') as { default?: string } | string;
  const binary = typeof workerd === 'string' ? workerd : String(workerd.default);
  const wrapper = join(dir, 'workerd');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nif [ "$1" = serve ]; then shift; exec '${binary}' serve --async-trace '${dir}'/trace-$$.jsonl "$@"; fi\nexec '${binary}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return {
    env: { MINIFLARE_WORKERD_PATH: wrapper },
    read(fromMs, toMs) {
      return readdirSync(dir)
        .filter((name) => name.startsWith('trace-'))
        .map((name) => threadTimeOf(readFileSync(join(dir, name), 'utf8'), fromMs, toMs));
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface TraceEvent {
  e: string;
  /** The header's wall-clock time of the trace's zero; event times are ns after it. */
  epochUnixMs?: number;
  ctx?: number;
  worker?: string;
  actor?: unknown;
  start?: number;
  end?: number;
  kind?: string;
  name?: string;
  k?: string;
  v?: unknown;
}

/**
 * Turn time per worker in one trace, for the turns that started between two wall-clock times (ms);
 * a context counts where its first turn does. A line cut short at shutdown is skipped.
 */
export function threadTimeOf(text: string, fromMs: number, toMs: number): ProcessThreadTime {
  const workerOf = new Map<number, string>();
  const named = new Set<number>();
  const methodsOf = new Map<number, Set<string>>();
  const turnMs = new Map<number, number>();
  let zeroMs = 0;
  const workers = new Map<string, { ms: number; contexts: number }>();
  for (const line of text.split('\n')) {
    let event: TraceEvent;
    try {
      event = JSON.parse(line) as TraceEvent;
    } catch {
      continue;
    }
    if (event.e === 'header' && event.epochUnixMs !== undefined) zeroMs = event.epochUnixMs;
    if (event.e === 'annotate' && event.k === 'jsrpc.method' && event.ctx !== undefined) {
      // A Durable Object is told apart by the RPC methods it serves (the trace names no class).
      const methods = methodsOf.get(event.ctx) ?? new Set<string>();
      methods.add(String(event.v));
      methodsOf.set(event.ctx, methods);
    }
    if (event.e === 'ctx' && event.ctx !== undefined && event.worker) {
      workerOf.set(event.ctx, `${event.worker}${event.actor ? ' (Durable Object)' : ''}`);
    } else if (event.e === 'init' && event.kind === 'request' && event.ctx !== undefined && !event.actor && !named.has(event.ctx)) {
      // A Worker's contexts by what started them (fetch: the API; queue: the consumer).
      const worker = workerOf.get(event.ctx);
      if (worker && !worker.endsWith(')')) workerOf.set(event.ctx, `${worker} ${event.name ?? ''}`.trim());
      named.add(event.ctx);
    } else if (event.e === 'turn' && event.ctx !== undefined && event.start !== undefined && event.end !== undefined) {
      const at = zeroMs + event.start / 1e6;
      if (at < fromMs || at > toMs) continue;
      turnMs.set(event.ctx, (turnMs.get(event.ctx) ?? 0) + (event.end - event.start) / 1e6);
    }
  }
  for (const [ctx, ms] of turnMs) {
    const methods = [...(methodsOf.get(ctx) ?? [])];
    const worker = workerOf.get(ctx) ?? 'unknown';
    const name = worker.endsWith('(Durable Object)') && methods.length > 0 ? `${worker.slice(0, -1)}: ${methods.slice(0, 3).join(', ')}${methods.length > 3 ? ', …' : ''})` : worker;
    const entry = workers.get(name) ?? { ms: 0, contexts: 0 };
    entry.ms += ms;
    entry.contexts += 1;
    workers.set(name, entry);
  }
  const role = [...workers.keys()].some((name) => name.startsWith(OWN_WORKER)) ? 'runtime' : 'proxy';
  return { role, workers };
}
