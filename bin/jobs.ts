#!/usr/bin/env node
/**
 * `jobs`: the job queue from a shell, on top of the typed client. See USAGE for commands and
 * the exit codes scripts can rely on.
 */
import { createWriteStream, openAsBlob, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import {
  createClient,
  JobQueueError,
  progressUnit,
  type CreateJobRequest,
  type Job,
  type JobEvent,
  type JobPriority,
  type JobQueueClient,
  type JobStatus,
  type JobType,
  type Schedule,
} from '../src/client/index.ts';
import { jobReport, progressLine } from './job-report.ts';

const USAGE = `Usage: jobs <command> [options]

Commands
  submit [--type T] [--priority P] [--file F | --data JSON] [--wait] [--timeout S]
                      Create a job. sentiment_analysis_batch (the default type) reads its
                      texts one per line from --file or standard input; other types take
                      --data '{"filePath": "…", …}'. Prints the job id.
  status <id>         Show a job: state, progress, timing and a summary of its result.
  wait <id> [--timeout S]
                      Wait until the job ends (default 600 s); a progress bar on a terminal.
  watch <id> [--timeout S]
                      Follow a job live with a progress bar until it ends, then show it.
  cancel <id>         Cancel a pending or running job.
  list [--status S] [--type T] [--priority P] [--page N] [--limit N]
  stats               Queue statistics (and whether the queue is paused).
  retry <id>          Run a failed or cancelled job again as a new job; prints its id.
  pause | resume      Stop starting new jobs (running ones finish, new ones are still
                      accepted) | start them again.
  schedule create --cron EXPR [--timezone TZ] [--type T] [--priority P] [--file F | --data JSON]
                      A recurring job (takes the job options of submit); prints its id.
  schedule list       Schedules with their next run.
  schedule delete <id>
                      Delete a schedule; the jobs it created are kept.
  upload <file> <path> [--part-size MiB]
                      Store a local file at <path>; big files go in parts, with progress.
  download <job-id> [-o F] | download --path <path> [-o F]
                      Save a job's export (or a stored file); -o - writes to standard output.

Options
  --url URL           The service (or JOBS_API_URL); default http://127.0.0.1:8787 (npm run dev)
  --key KEY           The API key (or JOBS_API_KEY; prefer the variable: flags show in ps);
                      default local-dev-key, the key of npm run dev, for a local URL only
  --json              Machine-readable output on standard output
  -h, --help

Exit codes
  0 ok   1 job failed or cancelled, or not cancellable or retryable   2 usage or invalid input
  3 authentication   4 not found   5 timeout   6 server or network error
`;

/** What `npm run dev` serves and accepts. */
const LOCAL_URL = 'http://127.0.0.1:8787';
const LOCAL_KEY = 'local-dev-key';
const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

const EXIT = { ok: 0, jobFailed: 1, usage: 2, auth: 3, notFound: 4, timeout: 5, server: 6 } as const;

class UsageError extends Error {
  override name = 'UsageError';
}

function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (!(error instanceof JobQueueError)) return EXIT.server;
  if (error.status === 401 || error.code === 'AUTH_NOT_CONFIGURED') return EXIT.auth;
  if (error.status === 404) return EXIT.notFound;
  if (error.code === 'JOB_TIMEOUT') return EXIT.timeout;
  if (error.status === 409) return EXIT.jobFailed;
  if (error.status >= 400 && error.status < 500 && error.status !== 429) return EXIT.usage;
  return EXIT.server;
}

const { values: flags, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        type: { type: 'string' },
        priority: { type: 'string' },
        status: { type: 'string' },
        file: { type: 'string' },
        data: { type: 'string' },
        wait: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        page: { type: 'string' },
        limit: { type: 'string' },
        path: { type: 'string' },
        'part-size': { type: 'string' },
        cron: { type: 'string' },
        timezone: { type: 'string' },
        output: { type: 'string', short: 'o' },
      },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(EXIT.usage);
  }
})();

function print(human: string, json: unknown): void {
  process.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${human}\n`);
}

function number(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number`);
  return value;
}

function argument(index: number, name: string): string {
  const value = positionals[index];
  if (!value) throw new UsageError(`missing <${name}>`);
  return value;
}

function describe(job: Pick<Job, 'id' | 'status' | 'progress' | 'type' | 'priority'>): string {
  return `${job.id}  ${job.status.padEnd(9)}  ${String(job.progress).padStart(5)}%  ${job.type}  ${job.priority}`;
}

/** The live bar on standard error: redrawn in place on a terminal, a line per change elsewhere. */
function progressReporter(): (event: JobEvent) => void {
  const tty = Boolean(process.stderr.isTTY);
  let last = '';
  // Progress events carry no type; the first status event tells what the counts measure.
  let unit: 'bytes' | 'items' = 'items';
  return (event) => {
    if ('job' in event) unit = progressUnit(event.job.type);
    const { status, progress, processingStats } = 'job' in event ? event.job : event;
    const line = progressLine(status, progress, processingStats, unit);
    // Off a terminal, one line per status change or tenth, so a log stays short.
    const step = `${status}-${Math.floor(progress / 10)}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (step !== last) process.stderr.write(`${line}\n`);
    last = step;
  };
}

/** `wait` shows the bar on a terminal only; `watch` always follows the job live. */
async function waitAndReport(api: JobQueueClient, id: string, live = Boolean(process.stderr.isTTY) && !flags.json): Promise<number> {
  const job = await api.waitForJob(id, {
    timeoutMs: number('timeout', flags.timeout, 600) * 1000,
    ...(live ? { onProgress: progressReporter() } : {}),
  });
  if (live && process.stderr.isTTY) process.stderr.write('\n');
  if (live) {
    print(jobReport(job), job);
  } else {
    const failure = job.error ? `\n${job.errorDetails?.code ?? 'FAILED'}: ${job.error}` : '';
    print(`${describe(job)}${failure}`, job);
  }
  return job.status === 'completed' ? EXIT.ok : EXIT.jobFailed;
}

/** Standard input is read as a stream: a synchronous read of a pipe fails with EAGAIN once it fills. */
async function readTexts(): Promise<string[]> {
  if (flags.file === undefined && process.stdin.isTTY) throw new UsageError('give texts one per line with --file or on standard input');
  let text = '';
  if (flags.file !== undefined) {
    try {
      text = readFileSync(flags.file, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${flags.file}`);
    }
  } else {
    process.stdin.setEncoding('utf8'); // decodes characters split between chunks
    for await (const chunk of process.stdin) text += String(chunk);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The job `submit` and `schedule create` describe with --type, --priority and --data or texts. */
async function jobRequest(): Promise<CreateJobRequest> {
  const type = (flags.type ?? 'sentiment_analysis_batch') as JobType;
  let data: Record<string, unknown>;
  if (flags.data !== undefined) {
    try {
      data = JSON.parse(flags.data) as Record<string, unknown>;
    } catch {
      throw new UsageError('--data must be JSON');
    }
  } else if (type === 'sentiment_analysis_batch') {
    data = { texts: await readTexts() };
  } else {
    throw new UsageError(`--data is needed for ${type}`);
  }
  return { type, data, ...(flags.priority ? { priority: flags.priority as JobPriority } : {}) };
}

async function submit(api: JobQueueClient): Promise<number> {
  const created = await api.createJob(await jobRequest());
  if (flags.wait) {
    if (!flags.json) process.stderr.write(`submitted ${created.jobId}\n`);
    return waitAndReport(api, created.jobId);
  }
  print(created.jobId, created);
  return EXIT.ok;
}

async function download(api: JobQueueClient): Promise<number> {
  const path = flags.path;
  const res = await api.download(path ? { path } : { jobId: argument(1, 'job-id') });
  const named = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const output = flags.output ?? basename(named ?? path ?? `export-${argument(1, 'job-id')}`);
  if (!res.body) throw new JobQueueError('INVALID_RESPONSE', res.status, 'The download has no body');
  // Streamed, so a large export never sits in memory. (The DOM and Node typings of web
  // streams differ only in ArrayBuffer generics; the object is the same.)
  await pipeline(Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>), output === '-' ? process.stdout : createWriteStream(output));
  if (output !== '-') print(`saved ${output}`, { saved: output, contentType: res.headers.get('content-type') });
  return EXIT.ok;
}

function describeSchedule(s: Schedule): string {
  return `${s.id}  ${s.cron}  ${s.timezone}  ${s.job.type}  ${s.job.priority}  next ${s.nextRunAt ?? '-'}  fired ${s.fired}`;
}

async function schedule(api: JobQueueClient): Promise<number> {
  const action = argument(1, 'create|list|delete');
  switch (action) {
    case 'create': {
      if (!flags.cron) throw new UsageError('--cron is needed, e.g. --cron "*/15 * * * *"');
      const created = await api.createSchedule({ cron: flags.cron, ...(flags.timezone ? { timezone: flags.timezone } : {}), job: await jobRequest() });
      print(created.id, created);
      return EXIT.ok;
    }
    case 'list': {
      const schedules = await api.listSchedules();
      print(schedules.length === 0 ? 'no schedules' : schedules.map(describeSchedule).join('\n'), { schedules });
      return EXIT.ok;
    }
    case 'delete': {
      const deleted = await api.deleteSchedule(argument(2, 'id'));
      print(`deleted ${deleted.id}`, deleted);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown schedule command: ${action}`);
  }
}

/** Set when the key is the local default, so a refusal can say which key was tried. */
let usedLocalKey = false;

/**
 * --url, else JOBS_API_URL, else `npm run dev`'s address; --key, else JOBS_API_KEY, else, for a
 * local address only, `npm run dev`'s key (a remote service never gets a guessed key).
 */
function connection(): { url: string; key: string } {
  const url = flags.url || process.env.JOBS_API_URL || LOCAL_URL;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new UsageError(`--url must be a URL such as ${LOCAL_URL}`);
  }
  const given = flags.key || process.env.JOBS_API_KEY;
  const key = given || (LOCAL_HOSTS.includes(host) ? LOCAL_KEY : '');
  if (!key) throw new UsageError(`set --key or JOBS_API_KEY for ${url}`);
  usedLocalKey = !given;
  return { url, key };
}

async function run(): Promise<number> {
  const command = positionals[0];
  if (flags.help || !command) {
    process.stdout.write(USAGE);
    return flags.help ? EXIT.ok : EXIT.usage;
  }
  const api = createClient(connection());
  switch (command) {
    case 'submit':
      return submit(api);
    case 'status': {
      const job = await api.getJob(argument(1, 'id'));
      print(jobReport(job), job);
      return EXIT.ok;
    }
    case 'wait':
      return waitAndReport(api, argument(1, 'id'));
    case 'watch':
      return waitAndReport(api, argument(1, 'id'), !flags.json);
    case 'cancel': {
      const outcome = await api.cancelJob(argument(1, 'id'));
      print(`${describe(outcome.job)}\n${outcome.message}`, outcome);
      return EXIT.ok;
    }
    case 'list': {
      const list = await api.listJobs({
        ...(flags.status ? { status: flags.status as JobStatus } : {}),
        ...(flags.type ? { type: flags.type as JobType } : {}),
        ...(flags.priority ? { priority: flags.priority as JobPriority } : {}),
        page: number('page', flags.page, 1),
        limit: number('limit', flags.limit, 20),
      });
      print([...list.jobs.map(describe), `page ${list.page}, ${list.jobs.length} of ${list.total}`].join('\n'), list);
      return EXIT.ok;
    }
    case 'stats': {
      const s = await api.stats();
      print(
        `total ${s.total}  pending ${s.pending}  running ${s.running}  completed ${s.completed}  failed ${s.failed}  cancelled ${s.cancelled}\n` +
          `${s.paused ? 'queue paused  ' : ''}success rate ${s.performance.successRate}%  throughput ${s.performance.throughput}  average ${s.performance.averageProcessingTime} ms`,
        s,
      );
      return EXIT.ok;
    }
    case 'retry': {
      const retried = await api.retryJob(argument(1, 'id'));
      print(retried.jobId, retried);
      return EXIT.ok;
    }
    case 'pause':
    case 'resume': {
      const state = command === 'pause' ? await api.pauseQueue() : await api.resumeQueue();
      print(state.paused ? 'queue paused: no new job starts until resume' : 'queue running', state);
      return EXIT.ok;
    }
    case 'schedule':
      return schedule(api);
    case 'upload': {
      const local = argument(1, 'file');
      const blob = await openAsBlob(local).catch(() => {
        throw new UsageError(`cannot read ${local}`);
      });
      const tty = Boolean(process.stderr.isTTY) && !flags.json;
      const file = await api.uploadFile(argument(2, 'path'), blob, {
        partSize: number('part-size', flags['part-size'], 8) * 1024 * 1024,
        ...(tty ? { onProgress: (sent: number, total: number) => process.stderr.write(`\r${((sent / total) * 100).toFixed(0).padStart(3)}% of ${total} bytes`) } : {}),
      });
      if (tty) process.stderr.write('\n');
      print(`${file.path}  ${file.size} bytes  etag ${file.etag}`, file);
      return EXIT.ok;
    }
    case 'download':
      return download(api);
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = exitCodeOf(error);
    if (flags.json && error instanceof JobQueueError) {
      process.stdout.write(`${JSON.stringify({ error: { code: error.code, status: error.status, message: error.message, details: error.details } }, null, 2)}\n`);
    } else {
      const label = error instanceof JobQueueError ? `${error.code}: ` : '';
      process.stderr.write(`jobs: ${label}${error instanceof Error ? error.message : String(error)}\n`);
      const fields = error instanceof JobQueueError && Array.isArray(error.details.errors) ? (error.details.errors as { field: string; message: string }[]) : [];
      for (const f of fields) process.stderr.write(`  ${f.field}: ${f.message}\n`);
      if (error instanceof UsageError) process.stderr.write(`Run jobs --help for usage.\n`);
      if (usedLocalKey && error instanceof JobQueueError && error.status === 401) process.stderr.write(`(tried npm run dev's key ${LOCAL_KEY}; set JOBS_API_KEY for this server)\n`);
    }
    process.exitCode = code;
  },
);
