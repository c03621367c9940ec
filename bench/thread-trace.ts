/**
 * Where the workerd thread's time goes, from workerd's own async trace (`--async-trace`: one JSON
 * line per request context, turn, I/O): bench:overhead (phase 2b) and `bench:data --trace on` run a
 * `wrangler dev` whose workerd processes each write a trace, then add up the turns (the time a
 * context held its isolate's thread) per worker. Under `wrangler dev` two workerd processes answer a request: the
 * proxy wrangler puts on the public port, and the runtime (entry, assets routing, the Worker, its
 * Durable Objects, the queue broker); each runs its isolates on one thread.
 */
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeFileSync } from 'node:fs';
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
  /** The longest turns (the stretches nothing else could run in): ms, worker, what started them. */
  longest: { ms: number; worker: string; cause: string }[];
  /** How many turns took under 1, 5, 10, 20, 50, 100 ms and longer (`TURN_BOUNDS`). */
  turnHistogram: number[];
  /**
   * The thread's gaps between turns (ms), by what started the turn that ended each: what the
   * thread was waiting for (a timer: a pacing turn; a stream read; an RPC's answer).
   */
  idleByNextCause: Map<string, number>;
}

export const TURN_BOUNDS = [1, 5, 10, 20, 50, 100, Infinity];
const LONGEST = 5;

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
        .map((name) => threadTimeOf(linesOf(join(dir, name)), fromMs, toMs));
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
  id?: number;
  cause?: number;
  kind?: string;
  name?: string;
  k?: string;
  v?: unknown;
}

/** A file's lines, read in blocks (a long job's trace outgrows the longest string V8 makes). */
function* linesOf(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const block = Buffer.alloc(16 * 2 ** 20);
  let rest = '';
  try {
    for (let n = readSync(fd, block); n > 0; n = readSync(fd, block)) {
      const lines = (rest + block.toString('utf8', 0, n)).split('\n');
      rest = lines.pop() ?? '';
      yield* lines;
    }
    yield rest;
  } finally {
    closeSync(fd);
  }
}

/**
 * Turn time per worker in one trace, for the turns that started between two wall-clock times (ms);
 * a context counts where its first turn does. A line cut short at shutdown is skipped.
 */
export function threadTimeOf(lines: Iterable<string>, fromMs: number, toMs: number): ProcessThreadTime {
  const workerOf = new Map<number, string>();
  const named = new Set<number>();
  const methodsOf = new Map<number, Set<string>>();
  const turnMs = new Map<number, number>();
  const causes = new Map<number, Map<number, string>>();
  const longest: { ms: number; ctx: number; cause: string }[] = [];
  const turnHistogram = TURN_BOUNDS.map(() => 0);
  let zeroMs = 0;
  const turns: { start: number; end: number; cause: string }[] = [];
  const workers = new Map<string, { ms: number; contexts: number }>();
  for (const line of lines) {
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
    if (event.e === 'init' && event.ctx !== undefined && event.id !== undefined) {
      const ofCtx = causes.get(event.ctx) ?? new Map<number, string>();
      ofCtx.set(event.id, `${event.kind ?? ''} ${event.name ?? ''}`.trim());
      causes.set(event.ctx, ofCtx);
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
      const ms = (event.end - event.start) / 1e6;
      turns.push({ start: event.start, end: event.end, cause: causes.get(event.ctx)?.get(event.cause ?? -1) ?? '' });
      turnMs.set(event.ctx, (turnMs.get(event.ctx) ?? 0) + ms);
      const bucket = TURN_BOUNDS.findIndex((bound) => ms < bound);
      turnHistogram[bucket] = (turnHistogram[bucket] ?? 0) + 1;
      if (longest.length < LONGEST || ms > (longest[longest.length - 1]?.ms ?? 0)) {
        longest.push({ ms, ctx: event.ctx, cause: causes.get(event.ctx)?.get(event.cause ?? -1) ?? '' });
        longest.sort((a, b) => b.ms - a.ms).splice(LONGEST);
      }
    }
  }
  const nameOf = (ctx: number): string => {
    const methods = [...(methodsOf.get(ctx) ?? [])];
    const worker = workerOf.get(ctx) ?? 'unknown';
    return worker.endsWith('(Durable Object)') && methods.length > 0 ? `${worker.slice(0, -1)}: ${methods.slice(0, 3).join(', ')}${methods.length > 3 ? ', …' : ''})` : worker;
  };
  for (const [ctx, ms] of turnMs) {
    const name = nameOf(ctx);
    const entry = workers.get(name) ?? { ms: 0, contexts: 0 };
    entry.ms += ms;
    entry.contexts += 1;
    workers.set(name, entry);
  }
  const idleByNextCause = new Map<string, number>();
  turns.sort((a, b) => a.start - b.start);
  for (let i = 1, busyUntil = turns[0]?.end ?? 0; i < turns.length; i++) {
    const turn = turns[i] as (typeof turns)[number];
    const gap = (turn.start - busyUntil) / 1e6;
    // The cause's kind and name without ids (`operation stream_read`, `timer setTimeout`).
    if (gap > 0) idleByNextCause.set(turn.cause, (idleByNextCause.get(turn.cause) ?? 0) + gap);
    busyUntil = Math.max(busyUntil, turn.end);
  }
  const role = [...workers.keys()].some((name) => name.startsWith(OWN_WORKER)) ? 'runtime' : 'proxy';
  return { role, workers, longest: longest.map((t) => ({ ms: t.ms, worker: nameOf(t.ctx), cause: t.cause })), turnHistogram, idleByNextCause };
}
