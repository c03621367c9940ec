/**
 * A typed client for the DataCloak Job Queue API. Runs wherever `fetch` and web streams do:
 * Node ≥ 18, browsers (the dashboard bundles it), Workers. Every type comes from the Zod schemas
 * that validate the API's requests and document its responses.
 */
import type { z } from 'zod';
import type {
  AuditEventSchema,
  BulkCancelBody,
  BulkCancelResult,
  BulkCreateResult,
  CreatedJob,
  CreateJobInput,
  CreateScheduleBody,
  DatasetListItemSchema,
  DatasetRecordSchema,
  DatasetSchema,
  DeletedSchedule,
  FileSchema,
  JobSummary,
  JobView,
  ListJobsQuery,
  QueueState,
  ResultPage,
  RetriedJob,
  ScheduleView,
  StatsView,
  StoredFileSchema,
  WebhookSecretView,
} from '../api/schemas.ts';
import type { JobPriority, JobStatus, JobType } from '../core/job-types.ts';
import { parseSse } from './sse.ts';
export { formatBytes, formatDuration } from './format.ts';
export { progressUnit, readResult, readSentimentItem, type ComplianceView, type Distribution, type ResultView, type ScanFindingView, type SentimentItemView } from './results.ts';

export type { JobPriority, JobStatus, JobType };
export type Job = z.infer<typeof JobView>;
export type JobSummary = z.infer<typeof JobSummary>;
export type CreatedJob = z.infer<typeof CreatedJob>;
export type QueueStats = z.infer<typeof StatsView>;
export type ResultPage = z.infer<typeof ResultPage>;
export type AuditEvent = z.infer<typeof AuditEventSchema>;
export type ListJobsQuery = Partial<z.infer<typeof ListJobsQuery>>;
export type JobList = { jobs: JobSummary[]; total: number; page: number; limit: number };
export type UploadedFile = z.infer<typeof StoredFileSchema>;
export type StoredFile = z.infer<typeof FileSchema>;
export type DatasetSummary = z.infer<typeof DatasetListItemSchema>;
export type Dataset = z.infer<typeof DatasetSchema>;
export type DatasetRecord = z.infer<typeof DatasetRecordSchema>;
/** A page of a cursor-paged list; pass `cursor` back for the next one (null: no more). */
export type CursorPage<K extends string, T> = { [key in K]: T[] } & { cursor: string | null };
export type RetriedJob = z.infer<typeof RetriedJob>;
export type BulkCreateResult = z.infer<typeof BulkCreateResult>;
/** At least one of `status`, `type`, `priority`, `ids` (else 400 INVALID_REQUEST). */
export type CancelFilter = z.input<typeof BulkCancelBody>;
export type CancelCounts = z.infer<typeof BulkCancelResult>;
export type QueueState = z.infer<typeof QueueState>;
export type Schedule = z.infer<typeof ScheduleView>;
export type DeletedSchedule = z.infer<typeof DeletedSchedule>;
export type WebhookSecret = z.infer<typeof WebhookSecretView>;

/**
 * `data` is checked by the API (400 INVALID_JOB_DATA with per-field errors); each type's schema
 * is in the OpenAPI document and `jobDataSchemas()`. `runAt` or `delay` (ms) holds the job back;
 * `dependsOn` waits for other jobs to complete; `callbackUrl` gets a signed POST at the end.
 */
export interface CreateJobRequest extends Pick<CreateJobInput, 'runAt' | 'delay' | 'dependsOn' | 'callbackUrl'> {
  type: JobType;
  data: Record<string, unknown>;
  priority?: JobPriority;
}

/** A schedule fires `job` on each `cron` tick; the one-off options have no meaning there (400). */
export type CreateScheduleRequest = Omit<z.input<typeof CreateScheduleBody>, 'job'> & {
  job: Omit<CreateJobRequest, 'runAt' | 'delay' | 'dependsOn' | 'callbackUrl'>;
};

/** The part of JSON Schema the OpenAPI document uses for job data. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
}

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export type JobEvent =
  | { type: 'status'; id: string | undefined; job: Job }
  | { type: 'progress'; id: string | undefined; status: JobStatus; progress: number; processingStats: Job['processingStats'] }
  | { type: 'completed' | 'failed' | 'cancelled'; id: string | undefined; job: Job };

/**
 * Every failure the client reports: the API's `details.code` and HTTP status, or, with status 0,
 * `NETWORK_ERROR` (no answer) and `INVALID_RESPONSE` (an answer that is not the API's envelope).
 * `JOB_TIMEOUT` (408) is also what `waitForJob` throws at its own deadline.
 */
export class JobQueueError extends Error {
  override name = 'JobQueueError';
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: string, status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export interface ClientOptions {
  /** The service's origin, e.g. `https://jobs.example.com` (a trailing `/api/v1` is accepted). */
  url: string;
  key: string;
  /** Defaults to the global `fetch`; tests pass the worker's own. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface WaitOptions {
  /** Overall deadline in ms (default 10 minutes); then a JOB_TIMEOUT error. */
  timeoutMs?: number;
  /** Called on every state change; set, the wait follows the live event stream instead of long-polling. */
  onProgress?: (event: JobEvent) => void;
  signal?: AbortSignal;
}

export interface UploadOptions {
  contentType?: string;
  /** Bytes per multipart part (≥ 5 MiB, default 8 MiB); anything up to one part goes as a single PUT. */
  partSize?: number;
  /** Parts in flight at once (default 3). */
  concurrency?: number;
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

const MiB = 1024 * 1024;
const MAX_WAIT_SLICE_MS = 300_000;
const EVENT_RECONNECTS = 5;

interface Envelope<T> {
  success: boolean;
  data: T;
  message?: string;
  error?: string;
  details?: { code: string } & Record<string, unknown>;
}

/** A path's segments percent-encoded one by one, so `/` still separates them. */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]));
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

function toJobEvent(type: string, id: string | undefined, data: string): JobEvent | null {
  const parsed = JSON.parse(data) as Job & { progress: number; status: JobStatus };
  switch (type) {
    case 'progress':
      return { type, id, status: parsed.status, progress: parsed.progress, processingStats: parsed.processingStats };
    case 'status':
    case 'completed':
    case 'failed':
    case 'cancelled':
      return { type, id, job: parsed };
    default:
      return null; // an event type this client does not know yet
  }
}

export class JobQueueClient {
  readonly baseUrl: string;
  private readonly key: string;
  private readonly fetcher: (request: Request) => Promise<Response>;

  constructor(options: ClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    this.key = options.key;
    // Bound lazily: browsers refuse a `fetch` called with another `this`.
    this.fetcher = options.fetch ?? ((request) => fetch(request));
  }

  /** Sends one API request; an error envelope or a failed connection becomes a JobQueueError. */
  async send(method: string, path: string, init: { body?: BodyInit; json?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, ...init.headers };
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await this.fetcher(new Request(`${this.baseUrl}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }), ...(init.signal ? { signal: init.signal } : {}) }));
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new JobQueueError('NETWORK_ERROR', 0, `Cannot reach ${this.baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (res.ok) return res;
    const envelope = (await res.json().catch(() => null)) as Envelope<unknown> | null;
    if (!envelope?.details?.code) throw new JobQueueError('INVALID_RESPONSE', res.status, `HTTP ${res.status} without an API error body`);
    const { code, ...details } = envelope.details;
    throw new JobQueueError(code, res.status, envelope.error ?? code, details);
  }

  private async call<T>(method: string, path: string, init: Parameters<JobQueueClient['send']>[2] = {}): Promise<Envelope<T>> {
    const res = await this.send(method, path, init);
    const envelope = (await res.json().catch(() => null)) as Envelope<T> | null;
    if (!envelope?.success) throw new JobQueueError('INVALID_RESPONSE', res.status, 'The answer is not an API envelope');
    return envelope;
  }

  async createJob(request: CreateJobRequest, options: { idempotencyKey?: string } = {}): Promise<CreatedJob> {
    const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
    return (await this.call<CreatedJob>('POST', '/jobs', { json: request, headers })).data;
  }

  /** Up to 100 jobs, each admitted on its own: check every result's `success`, not only `created`. */
  async createJobs(requests: CreateJobRequest[]): Promise<BulkCreateResult> {
    return (await this.call<BulkCreateResult>('POST', '/jobs/bulk', { json: { jobs: requests } })).data;
  }

  async getJob(id: string): Promise<Job> {
    return (await this.call<Job>('GET', `/jobs/${encodeURIComponent(id)}`)).data;
  }

  async listJobs(filters: ListJobsQuery = {}): Promise<JobList> {
    return (await this.call<JobList>('GET', `/jobs${query(filters)}`)).data;
  }

  /** `immediate`: a pending job is cancelled at once; a running one stops at its next checkpoint. */
  async cancelJob(id: string): Promise<{ job: JobSummary; message: string; immediate: boolean }> {
    const res = await this.send('DELETE', `/jobs/${encodeURIComponent(id)}`);
    const envelope = (await res.json()) as Envelope<JobSummary>;
    return { job: envelope.data, message: envelope.message ?? '', immediate: res.status === 200 };
  }

  /** Cancels every job matching all the given filters; pending ones at once, running ones at their next checkpoint. */
  async cancelJobs(filter: CancelFilter): Promise<CancelCounts> {
    return (await this.call<CancelCounts>('POST', '/jobs/cancel', { json: filter })).data;
  }

  /** A failed or cancelled job run again with the same input, as a new job (409 JOB_NOT_RETRYABLE otherwise). */
  async retryJob(id: string): Promise<RetriedJob> {
    return (await this.call<RetriedJob>('POST', `/jobs/${encodeURIComponent(id)}/retry`)).data;
  }

  /** Nothing new starts while paused; running jobs finish and new jobs are still accepted. */
  async pauseQueue(): Promise<QueueState> {
    return (await this.call<QueueState>('POST', '/queue/pause')).data;
  }

  async resumeQueue(): Promise<QueueState> {
    return (await this.call<QueueState>('POST', '/queue/resume')).data;
  }

  async createSchedule(request: CreateScheduleRequest): Promise<Schedule> {
    return (await this.call<Schedule>('POST', '/schedules', { json: request })).data;
  }

  async listSchedules(): Promise<Schedule[]> {
    return (await this.call<{ schedules: Schedule[] }>('GET', '/schedules')).data.schedules;
  }

  async getSchedule(id: string): Promise<Schedule> {
    return (await this.call<Schedule>('GET', `/schedules/${encodeURIComponent(id)}`)).data;
  }

  /** Jobs the schedule already created are kept. */
  async deleteSchedule(id: string): Promise<DeletedSchedule> {
    return (await this.call<DeletedSchedule>('DELETE', `/schedules/${encodeURIComponent(id)}`)).data;
  }

  /** The secret that signs this tenant's callbacks, and the header format (503 SERVICE_UNAVAILABLE without webhooks). */
  async webhookSecret(): Promise<WebhookSecret> {
    return (await this.call<WebhookSecret>('GET', '/webhooks/secret')).data;
  }

  async stats(): Promise<QueueStats> {
    return (await this.call<QueueStats>('GET', '/jobs/stats/summary')).data;
  }

  async history(id: string): Promise<AuditEvent[]> {
    return (await this.call<{ events: AuditEvent[] }>('GET', `/jobs/${encodeURIComponent(id)}/history`)).data.events;
  }

  async results(id: string, page: { offset?: number; limit?: number } = {}): Promise<ResultPage> {
    return (await this.call<ResultPage>('GET', `/jobs/${encodeURIComponent(id)}/result${query(page)}`)).data;
  }

  /**
   * The job types this deployment runs, each with the JSON Schema of its `data`, read from the
   * public OpenAPI document (what the dashboard builds its forms from).
   */
  async jobDataSchemas(): Promise<Partial<Record<JobType, JsonSchema>>> {
    const res = await this.fetcher(new Request(`${this.baseUrl}/api/v1/openapi.json`)).catch((error: unknown) => {
      throw new JobQueueError('NETWORK_ERROR', 0, `Cannot reach ${this.baseUrl}: ${String(error)}`);
    });
    if (!res.ok) throw new JobQueueError('INVALID_RESPONSE', res.status, 'No OpenAPI document');
    const doc = (await res.json()) as { components?: { schemas?: Record<string, JsonSchema> } };
    const branches = doc.components?.schemas?.CreateJobRequest?.oneOf ?? [];
    return Object.fromEntries(
      branches.flatMap((branch) => {
        const type = branch.properties?.type?.const ?? branch.properties?.type?.enum?.[0];
        return typeof type === 'string' ? [[type, branch.properties?.data ?? {}]] : [];
      }),
    );
  }

  async jobTypes(): Promise<JobType[]> {
    return Object.keys(await this.jobDataSchemas()) as JobType[];
  }

  /**
   * Live events of one job, ending after its terminal event. A stream that drops before then is
   * resumed with `Last-Event-ID`, so no state is delivered twice.
   */
  async *events(id: string, options: { lastEventId?: string; signal?: AbortSignal } = {}): AsyncGenerator<JobEvent> {
    let lastEventId = options.lastEventId;
    for (let reconnects = 0; ; reconnects++) {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) };
      const res = await this.send('GET', `/jobs/${encodeURIComponent(id)}/events`, { headers, ...(options.signal ? { signal: options.signal } : {}) });
      if (!res.body) throw new JobQueueError('INVALID_RESPONSE', res.status, 'The event stream has no body');
      for await (const message of parseSse(res.body)) {
        lastEventId = message.id ?? lastEventId;
        const event = toJobEvent(message.event, message.id, message.data);
        if (!event) continue;
        reconnects = 0;
        yield event;
        if (TERMINAL_STATUSES.includes(event.type as JobStatus)) return;
      }
      if (reconnects >= EVENT_RECONNECTS) throw new JobQueueError('NETWORK_ERROR', 0, 'The event stream keeps closing before the job ends');
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** reconnects));
    }
  }

  /** Resolves with the finished job (completed, failed or cancelled; check `status`). */
  async waitForJob(id: string, options: WaitOptions = {}): Promise<Job> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    const timedOut = (job?: { status: JobStatus; progress: number }) =>
      new JobQueueError('JOB_TIMEOUT', 408, `Job ${id} did not finish in time`, { jobId: id, ...(job ? { currentStatus: job.status, currentProgress: job.progress } : {}) });
    if (options.onProgress) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
      options.signal?.addEventListener('abort', () => abort.abort(options.signal?.reason), { once: true });
      let last: { status: JobStatus; progress: number } | undefined;
      try {
        for await (const event of this.events(id, { signal: abort.signal })) {
          options.onProgress(event);
          last = 'job' in event ? event.job : event;
          if (TERMINAL_STATUSES.includes(event.type as JobStatus)) return await this.getJob(id);
        }
      } catch (error) {
        if (abort.signal.aborted && !options.signal?.aborted) throw timedOut(last);
        throw error;
      } finally {
        clearTimeout(timer);
      }
      throw timedOut(last);
    }
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timedOut();
      try {
        const timeout = Math.max(1, Math.min(remaining, MAX_WAIT_SLICE_MS));
        return (await this.call<Job>('POST', `/jobs/${encodeURIComponent(id)}/wait`, { json: { timeout }, ...(options.signal ? { signal: options.signal } : {}) })).data;
      } catch (error) {
        if (!(error instanceof JobQueueError && error.code === 'JOB_TIMEOUT')) throw error;
        if (Date.now() >= deadline) throw timedOut({ status: error.details.currentStatus as JobStatus, progress: Number(error.details.currentProgress) });
      }
    }
  }

  /**
   * Uploads to the Files API: one PUT up to `partSize`, else an S3-style multipart upload with
   * `concurrency` parts in flight, aborted on any failure so no parts are left behind.
   */
  async uploadFile(path: string, data: Blob | Uint8Array<ArrayBuffer>, options: UploadOptions = {}): Promise<UploadedFile> {
    const partSize = options.partSize ?? 8 * MiB;
    if (partSize < 5 * MiB) throw new RangeError('partSize must be at least 5 MiB (5,242,880 bytes)');
    const total = data instanceof Blob ? data.size : data.byteLength;
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/octet-stream' };
    const signal = options.signal ? { signal: options.signal } : {};
    const url = `/files/${encodePath(path)}`;
    if (total <= partSize) {
      const file = (await this.call<UploadedFile>('PUT', url, { body: data, headers, ...signal })).data;
      options.onProgress?.(total, total);
      return file;
    }
    const { uploadId } = (await this.call<{ uploadId: string }>('POST', `${url}?uploads`, { headers, ...signal })).data;
    const session = `${url}${query({ uploadId })}`;
    try {
      const count = Math.ceil(total / partSize);
      const parts: { partNumber: number; etag: string }[] = [];
      let sent = 0;
      let next = 1;
      const worker = async (): Promise<void> => {
        while (next <= count) {
          const partNumber = next++;
          const start = (partNumber - 1) * partSize;
          const end = Math.min(start + partSize, total);
          const body = data instanceof Blob ? data.slice(start, end) : data.subarray(start, end);
          const part = (await this.call<{ etag: string }>('PUT', `${session}&partNumber=${partNumber}`, { body, ...signal })).data;
          parts.push({ partNumber, etag: part.etag });
          sent += end - start;
          options.onProgress?.(sent, total);
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 3, count) }, worker));
      parts.sort((a, b) => a.partNumber - b.partNumber);
      return (await this.call<UploadedFile>('POST', session, { json: { parts }, ...signal })).data;
    } catch (error) {
      await this.send('DELETE', session).catch(() => undefined);
      throw error;
    }
  }

  /** Stored files in path order, optionally under a prefix. */
  async listFiles(options: { prefix?: string; cursor?: string; limit?: number } = {}): Promise<CursorPage<'files', StoredFile>> {
    return (await this.call<CursorPage<'files', StoredFile>>('GET', `/files${query(options)}`)).data;
  }

  async listDatasets(options: { cursor?: string; limit?: number } = {}): Promise<CursorPage<'datasets', DatasetSummary>> {
    return (await this.call<CursorPage<'datasets', DatasetSummary>>('GET', `/datasets${query(options)}`)).data;
  }

  async getDataset(id: string): Promise<Dataset> {
    return (await this.call<Dataset>('GET', `/datasets/${encodeURIComponent(id)}`)).data;
  }

  /** Records in creation order; `start`/`end` are ISO 8601 instants. */
  async datasetRecords(
    id: string,
    options: { cursor?: string; limit?: number; sentiment?: 'positive' | 'negative' | 'neutral'; start?: string; end?: string } = {},
  ): Promise<CursorPage<'records', DatasetRecord>> {
    return (await this.call<CursorPage<'records', DatasetRecord>>('GET', `/datasets/${encodeURIComponent(id)}/records${query(options)}`)).data;
  }

  /** A job's export (`{ jobId }`) or a stored file (`{ path }`), as a streaming Response. */
  async download(target: { jobId: string } | { path: string }, options: { signal?: AbortSignal } = {}): Promise<Response> {
    const path = 'jobId' in target ? `/jobs/${encodeURIComponent(target.jobId)}/download` : `/files/${encodePath(target.path)}`;
    return this.send('GET', path, options.signal ? { signal: options.signal } : {});
  }
}

export function createClient(options: ClientOptions): JobQueueClient {
  return new JobQueueClient(options);
}
