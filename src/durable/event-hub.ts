import type { JobRecord } from '../core/job-record.ts';
import { isTerminal } from '../core/job-types.ts';
import { progressOf, type JobViewData } from '../core/job-view.ts';

/**
 * Server-Sent Events listeners of one coordinator, keyed by job. Events are snapshots of the
 * job's state, so a listener that reconnects with Last-Event-ID only needs the latest one.
 */
export interface JobEvent {
  id: number;
  event: 'status' | 'progress' | 'completed' | 'failed' | 'cancelled';
  data: unknown;
}

/** A job's state as an event: terminal states by name, progress while it runs, else its status. */
export function jobEvent(seq: number, job: JobRecord, view: JobViewData, kind: 'status' | 'progress'): JobEvent {
  if (isTerminal(job.status)) return { id: seq, event: job.status as JobEvent['event'], data: view };
  if (kind === 'progress') {
    return { id: seq, event: 'progress', data: { status: job.status, progress: progressOf(job), processingStats: view.processingStats } };
  }
  return { id: seq, event: 'status', data: view };
}

const encoder = new TextEncoder();
export const HEARTBEAT_MS = 15_000;

export function formatEvent(e: JobEvent): Uint8Array {
  return encoder.encode(`id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
}

interface Listener {
  writer: WritableStreamDefaultWriter<Uint8Array>;
  heartbeat: ReturnType<typeof setInterval>;
}

const TERMINAL = new Set<JobEvent['event']>(['completed', 'failed', 'cancelled']);

export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** A new stream for `jobId` that starts with `first` (if any) and closes after a terminal event. */
  open(jobId: string, first: JobEvent | null): ReadableStream<Uint8Array> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const listener: Listener = {
      writer,
      heartbeat: setInterval(() => this.write(jobId, listener, encoder.encode(': ping\n\n')), HEARTBEAT_MS),
    };
    const set = this.listeners.get(jobId) ?? new Set();
    this.listeners.set(jobId, set);
    set.add(listener);
    this.write(jobId, listener, encoder.encode(`retry: 2000\n\n`));
    if (first) this.deliver(jobId, listener, first);
    return readable;
  }

  publish(jobId: string, event: JobEvent): void {
    for (const listener of this.listeners.get(jobId) ?? []) this.deliver(jobId, listener, event);
  }

  count(jobId: string): number {
    return this.listeners.get(jobId)?.size ?? 0;
  }

  /** Open streams over all jobs: what the per-tenant cap counts. */
  total(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private deliver(jobId: string, listener: Listener, event: JobEvent): void {
    this.write(jobId, listener, formatEvent(event));
    if (TERMINAL.has(event.event)) this.drop(jobId, listener, true);
  }

  private write(jobId: string, listener: Listener, bytes: Uint8Array): void {
    // A write fails once the client has gone: forget it.
    listener.writer.write(bytes).catch(() => this.drop(jobId, listener, false));
  }

  private drop(jobId: string, listener: Listener, close: boolean): void {
    clearInterval(listener.heartbeat);
    const set = this.listeners.get(jobId);
    set?.delete(listener);
    if (set?.size === 0) this.listeners.delete(jobId);
    if (close) listener.writer.close().catch(() => undefined);
  }
}
