import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import worker from '../../src/index.ts';
import type { WorkMessage } from '../../src/queue/work-message.ts';
import { TEST_TENANTS } from './tenants.ts';

let next = 0;

/** A tenant no other test in this file uses: its own coordinator, its own R2 prefix. */
/** Texts too big to keep inline (src/core/inline-payload.ts): their input lives in R2, where a test can delete it. */
export const R2_INPUT_TEXTS: string[] = Array.from({ length: 14 }, (_, i) => `${i} ${'word '.repeat(1_999)}`);

export function freshTenant(): Client {
  const tenant = TEST_TENANTS[next++];
  if (!tenant) throw new Error('out of test tenants: add more in test/support/tenants.ts');
  return new Client(tenant.name, tenant.key);
}

export interface Envelope<T = Record<string, unknown>> {
  success: boolean;
  data: T;
  error?: string;
  message?: string;
  details?: Record<string, unknown> & { code: string };
  timestamp: string;
}

export class Client {
  readonly tenant: string;
  readonly key: string;

  constructor(tenant: string, key: string) {
    this.tenant = tenant;
    this.key = key;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.key}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    return exports.default.fetch(new Request(`http://localhost${path}`, init));
  }

  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: Envelope<T>; headers: Headers }> {
    const res = await this.request(method, path, body);
    return { status: res.status, body: (await res.json()) as Envelope<T>, headers: res.headers };
  }

  async createSentiment(texts: string[], extra: Record<string, unknown> = {}, priority?: string): Promise<string> {
    const res = await this.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'sentiment_analysis_batch',
      data: { texts, ...extra },
      ...(priority ? { priority } : {}),
    });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.jobId;
  }

  coordinator() {
    return env.QUEUE_COORDINATOR.get(env.QUEUE_COORDINATOR.idFromName(this.tenant));
  }

  /** Moves this tenant's coordinator clock forward: leases lapse, backoffs and schedules come due. */
  async advanceClock(ms: number): Promise<void> {
    await runInDurableObject(this.coordinator(), (instance) => instance.clock.advance(ms));
  }

  /** Time passes beyond every running job's lease (its worker is gone). */
  async lapseLeases(): Promise<void> {
    await this.advanceClock(Number(env.LEASE_MS) + 1);
  }

  /** Time passes beyond the longest retry backoff. */
  async elapseBackoff(): Promise<void> {
    await this.advanceClock(Number(env.RETRY_MAX_DELAY_MS) + 1);
  }

  /** The coordinator's time, for measuring what it schedules. */
  async now(): Promise<number> {
    return runInDurableObject(this.coordinator(), (instance) => instance.clock.now());
  }

  /** A running job's stored checkpoint: read and restored to simulate a lost commit. */
  async checkpointOf(jobId: string): Promise<string | null> {
    return runInDurableObject(this.coordinator(), (_instance, state) =>
      state.storage.sql.exec<{ checkpoint: string | null }>('SELECT checkpoint FROM jobs WHERE id = ?', jobId).one().checkpoint,
    );
  }

  /** The work message the coordinator sent for a running job (tests without a live consumer). */
  async pendingMessage(jobId: string): Promise<WorkMessage> {
    const row = await runInDurableObject(this.coordinator(), (_instance, state) =>
      state.storage.sql.exec<{ lease_token: string; attempt: number }>('SELECT lease_token, attempt FROM jobs WHERE id = ?', jobId).one(),
    );
    return { tenant: this.tenant, jobId, token: row.lease_token, attempt: row.attempt };
  }

  /** Runs SQL inside this tenant's coordinator: for injecting a fault (a lost commit), never for asserting or for time. */
  async sql(query: string, ...params: SqlStorageValue[]): Promise<void> {
    await runInDurableObject(this.coordinator(), (_instance, state) => {
      state.storage.sql.exec(query, ...params);
    });
  }
}

/** Delivers messages to the worker's queue() handler and reports what it acked or retried. */
export async function deliver(...bodies: WorkMessage[]) {
  return deliverWith(env, ...bodies);
}

/** As deliver, with the bindings the consumer sees replaced: for injecting platform faults. */
export async function deliverWith(bindings: Env, ...bodies: WorkMessage[]) {
  const batch = createMessageBatch<WorkMessage>(
    'datacloak-jobs',
    bodies.map((body, i) => ({ id: `m-${Date.now()}-${i}-${Math.random()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch, bindings);
  return getQueueResult(batch, ctx);
}
