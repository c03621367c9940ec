/**
 * The dashboard: plain DOM on top of the typed client. The API key lives in sessionStorage (this
 * tab only) and travels in the Authorization header, never in a URL. Progress is live: the job
 * event stream is read with fetch, since EventSource cannot send the header.
 */
import { createClient, JobQueueError, TERMINAL_STATUSES, type Job, type JobQueueClient, type JobStatus, type JobSummary, type JobType, type JsonSchema } from '../src/client/index.ts';
import { byId, formatTime, h, saveResponse } from './dom.ts';
import { schemaForm } from './schema-form.ts';

const KEY_STORAGE = 'datacloak-api-key';
const PAGE_SIZE = 10;
/** Live streams at once for list rows; beyond that, rows refresh with the list. */
const MAX_ROW_STREAMS = 6;
const FILE_JOB_TYPES = ['file_processing', 'security_scan'];

let api: JobQueueClient | null = null;
let page = 1;
/** Aborts every stream of the view being left. */
let viewStreams = new AbortController();

const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function client(): JobQueueClient {
  if (!api) throw new Error('Not signed in');
  return api;
}

// ---- sign in / out --------------------------------------------------------------------------

async function signIn(key: string): Promise<void> {
  const candidate = createClient({ url: location.origin, key });
  await candidate.stats(); // proves the key before anything is shown
  api = candidate;
  sessionStorage.setItem(KEY_STORAGE, key);
  byId('sign-in').hidden = true;
  byId('app').hidden = false;
  byId('sign-out').hidden = false;
  await Promise.all([loadJobTypes(), route()]);
}

function signOut(): void {
  viewStreams.abort();
  api = null;
  sessionStorage.removeItem(KEY_STORAGE);
  byId('app').hidden = true;
  byId('sign-out').hidden = true;
  byId('sign-in').hidden = false;
  byId<HTMLInputElement>('api-key').value = '';
  byId('api-key').focus();
}

function signInError(error: unknown): string {
  if (error instanceof JobQueueError && error.code === 'UNAUTHORIZED') return 'That API key was not accepted.';
  if (error instanceof JobQueueError && error.code === 'NETWORK_ERROR') return 'The service cannot be reached.';
  return `Sign-in failed: ${message(error)}`;
}

// ---- stats ----------------------------------------------------------------------------------

async function renderStats(): Promise<void> {
  const s = await client().stats();
  const items: [string, string | number][] = [
    ['Pending', s.pending],
    ['Running', s.running],
    ['Completed', s.completed],
    ['Failed', s.failed],
    ['Cancelled', s.cancelled],
    ['Success rate', `${s.performance.successRate}%`],
    ['Throughput', s.performance.throughput],
  ];
  byId('stats-list').replaceChildren(...items.map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, String(value)))));
  renderQueueState(s.paused);
}

/** The button names the action it takes; the status line says the state, so both read plainly. */
function renderQueueState(paused: boolean): void {
  byId('queue-state').textContent = paused ? 'Paused: no new job starts until you resume.' : 'Running.';
  const toggle = byId('toggle-pause');
  toggle.textContent = paused ? 'Resume queue' : 'Pause queue';
  toggle.dataset.paused = String(paused);
  toggle.hidden = false;
}

async function togglePause(): Promise<void> {
  const toggle = byId<HTMLButtonElement>('toggle-pause');
  toggle.disabled = true;
  try {
    const state = toggle.dataset.paused === 'true' ? await client().resumeQueue() : await client().pauseQueue();
    renderQueueState(state.paused);
  } catch (error) {
    byId('queue-state').textContent = `Cannot change the queue: ${message(error)}`;
  } finally {
    toggle.disabled = false;
  }
}

// ---- job types: filters, file upload and schema-built forms ---------------------------------

async function loadJobTypes(): Promise<void> {
  const schemas = await client().jobDataSchemas();
  const types = Object.keys(schemas);
  byId('filter-type').replaceChildren(h('option', { value: '' }, 'any'), ...types.map((t) => h('option', {}, t)));
  const others = Object.entries(schemas).filter(([type]) => type !== 'sentiment_analysis_batch') as [string, JsonSchema][];
  byId('files').hidden = !types.some((t) => FILE_JOB_TYPES.includes(t)) && others.length === 0;
  byId('upload-form').hidden = !types.some((t) => FILE_JOB_TYPES.includes(t));
  byId('type-forms').replaceChildren(
    ...others.map(([type, schema]) =>
      schemaForm(type, schema, async (data) => {
        const created = await client().createJob({ type: type as JobType, data });
        location.hash = `#/jobs/${created.jobId}`;
      }),
    ),
  );
}

async function upload(form: HTMLFormElement): Promise<void> {
  const file = byId<HTMLInputElement>('upload-file').files?.[0];
  const path = byId<HTMLInputElement>('upload-path').value.trim();
  const bar = byId<HTMLProgressElement>('upload-progress');
  const status = byId('upload-status');
  if (!file) return;
  bar.hidden = false;
  bar.value = 0;
  status.textContent = `Uploading ${file.name}…`;
  try {
    const stored = await client().uploadFile(path, file, {
      contentType: file.type || 'application/octet-stream',
      onProgress: (sent, total) => (bar.value = Math.round((sent / total) * 100)),
    });
    status.textContent = `Uploaded ${stored.path} (${stored.size.toLocaleString()} bytes).`;
    // Offer the path to the file job forms.
    for (const input of document.querySelectorAll<HTMLInputElement>('#type-forms input[name=filePath], #type-forms input[name=path]')) input.value = stored.path;
    form.reset();
  } catch (error) {
    status.textContent = `Upload failed: ${message(error)}`;
  }
}

// ---- new sentiment batch --------------------------------------------------------------------

async function submitBatch(form: HTMLFormElement): Promise<void> {
  const texts = byId<HTMLTextAreaElement>('batch-texts')
    .value.split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
  const status = byId('batch-status');
  if (texts.length === 0) {
    status.textContent = 'Enter at least one text.';
    return;
  }
  status.textContent = 'Submitting…';
  try {
    const created = await client().createJob({
      type: 'sentiment_analysis_batch',
      priority: byId<HTMLSelectElement>('batch-priority').value as Job['priority'],
      data: { texts, enablePIIMasking: byId<HTMLInputElement>('batch-pii').checked, includeKeywords: byId<HTMLInputElement>('batch-keywords').checked },
    });
    status.textContent = `Job ${created.jobId} submitted.`;
    form.reset();
    location.hash = `#/jobs/${created.jobId}`;
  } catch (error) {
    const fields = error instanceof JobQueueError && Array.isArray(error.details.errors) ? (error.details.errors as { field: string; message: string }[]) : [];
    status.textContent = `Not submitted: ${message(error)}${fields.map((f) => ` ${f.field}: ${f.message}.`).join('')}`;
  }
}

// ---- job list -------------------------------------------------------------------------------

function progressBar(label: string, progress: number): HTMLProgressElement {
  return h('progress', { max: 100, value: progress, 'aria-label': label });
}

function jobRow(job: JobSummary): HTMLLIElement {
  const bar = progressBar(`Progress of job ${job.id}`, job.progress);
  const status = h('span', { class: `status-${job.status}` }, job.status);
  const percent = h('span', {}, `${job.progress}%`);
  const row = h(
    'li',
    { 'data-job': job.id },
    h('a', { href: `#/jobs/${job.id}` }, job.id),
    h('div', { class: 'job-meta' }, status, h('span', {}, job.type), h('span', {}, job.priority), percent, h('span', {}, formatTime(job.createdAt))),
    bar,
  );
  return row;
}

/** Keeps a list row's bar moving until its job ends. */
async function followRow(row: HTMLLIElement, id: string, signal: AbortSignal): Promise<void> {
  const bar = row.querySelector('progress');
  const [status, , , percent] = row.querySelectorAll('.job-meta span');
  for await (const event of client().events(id, { signal })) {
    const { status: now, progress } = 'job' in event ? event.job : event;
    if (bar) bar.value = progress;
    if (percent) percent.textContent = `${progress}%`;
    if (status) {
      status.textContent = now;
      status.className = `status-${now}`;
    }
    if (isTerminal(now)) void renderStats().catch(() => undefined);
  }
}

async function renderList(): Promise<void> {
  const filters = new FormData(byId<HTMLFormElement>('filters'));
  const pick = (name: string) => (filters.get(name) || undefined) as string | undefined;
  const list = await client().listJobs({
    status: pick('status') as JobSummary['status'] | undefined,
    type: pick('type') as JobSummary['type'] | undefined,
    priority: pick('priority') as JobSummary['priority'] | undefined,
    limit: PAGE_SIZE,
    page,
  });
  const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
  const rows = list.jobs.map(jobRow);
  byId('job-list').replaceChildren(...(rows.length > 0 ? rows : [h('li', {}, 'No jobs match.')]));
  byId('page-info').textContent = `Page ${list.page} of ${pages} (${list.total} jobs)`;
  byId<HTMLButtonElement>('prev-page').disabled = page <= 1;
  byId<HTMLButtonElement>('next-page').disabled = page >= pages;
  let streams = 0;
  list.jobs.forEach((job, i) => {
    const row = rows[i];
    if (!row || isTerminal(job.status) || streams++ >= MAX_ROW_STREAMS) return;
    followRow(row, job.id, viewStreams.signal).catch(() => undefined);
  });
}

// ---- job detail -----------------------------------------------------------------------------

function field(name: string, value: string | number | undefined): Node[] {
  return value === undefined ? [] : [h('dt', {}, name), h('dd', {}, String(value))];
}

function renderFields(job: Job): void {
  const s = job.processingStats;
  byId('detail-fields').replaceChildren(
    ...field('Status', job.status),
    ...field('Type', job.type),
    ...field('Priority', job.priority),
    ...field('Items', `${s.processedItems.toLocaleString()} of ${s.totalItems.toLocaleString()} (${s.failedItems} failed)`),
    ...field('Speed', s.currentSpeed),
    ...field('Attempts', `${job.attempts} of ${job.maxAttempts}`),
    ...field('Created', formatTime(job.createdAt)),
    ...field('Started', job.startedAt && formatTime(job.startedAt)),
    ...field('Estimated completion', !isTerminal(job.status) && job.estimatedCompletion ? formatTime(job.estimatedCompletion) : undefined),
    ...field('Finished', formatTime(job.completedAt ?? job.failedAt ?? job.cancelledAt)),
    ...field('Kept until', job.expiresAt && formatTime(job.expiresAt)),
    ...field('Retry of', job.retryOf),
    ...field('Retried by', job.retriedBy),
  );
}

let announced = '';

function renderProgress(status: JobStatus, progress: number, cancelRequested = false): void {
  byId<HTMLProgressElement>('detail-progress').value = progress;
  // Screen readers hear status changes and each quarter, not every percent.
  const text = `${status}${cancelRequested ? ' (cancelling)' : ''}, ${progress}%`;
  const quarter = `${status}-${Math.floor(progress / 25)}-${cancelRequested}`;
  if (quarter !== announced) {
    announced = quarter;
    byId('detail-progress-label').textContent = text;
  }
  byId('cancel-job').hidden = isTerminal(status);
  byId('retry-job').hidden = status !== 'failed' && status !== 'cancelled';
}

function renderResult(job: Job): void {
  const box = byId('detail-result');
  const result = job.result;
  if (!result) {
    box.replaceChildren(h('p', {}, isTerminal(job.status) ? 'No result.' : 'No result yet.'));
    return;
  }
  const { results, resultsPage, ...summary } = result as { results?: Record<string, unknown>[]; resultsPage?: unknown } & Record<string, unknown>;
  const summaryList = h('dl', { class: 'fields' }, ...Object.entries(summary).flatMap(([k, v]) => field(k, typeof v === 'object' ? JSON.stringify(v) : String(v))));
  const items = Array.isArray(results) ? results.slice(0, 100) : [];
  const table = items.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('caption', {}, `First ${items.length} of ${Array.isArray(results) ? results.length : 0} items${resultsPage ? ' (more via the API)' : ''}`),
          h('thead', {}, h('tr', {}, ...['Text', 'Sentiment', 'Score', 'Confidence', 'PII'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            ...items.map((item) =>
              h(
                'tr',
                {},
                h('td', {}, String(item.text ?? '')),
                h('td', {}, String(item.sentiment ?? (item.error as { code?: string } | undefined)?.code ?? '')),
                h('td', {}, String(item.score ?? '')),
                h('td', {}, String(item.confidence ?? '')),
                h('td', {}, Array.isArray(item.piiTypes) ? item.piiTypes.join(', ') : ''),
              ),
            ),
          ),
        ),
      )
    : null;
  box.replaceChildren(summaryList, table ?? '');
}

function renderError(job: Job): void {
  const box = byId('detail-error');
  box.hidden = !job.error;
  if (job.error) {
    const d = job.errorDetails;
    box.replaceChildren(h('strong', {}, 'Failed: '), job.error, d ? h('p', {}, `${d.code} at ${d.stage}, after ${d.attempts} attempt(s)${d.retryable ? ' (retryable)' : ''}`) : '');
  }
}

async function renderHistory(id: string): Promise<void> {
  const events = await client().history(id);
  byId('detail-history').replaceChildren(
    ...events.map((e) => h('li', {}, h('time', { datetime: e.at }, formatTime(e.at)), ` ${e.action} — ${e.outcome}`, e.detail ? ` (${e.detail})` : '', ` by ${e.actor}`)),
  );
}

async function renderJob(job: Job): Promise<void> {
  byId('detail-title').textContent = `Job ${job.id}`;
  renderProgress(job.status, job.progress, job.cancelRequested);
  renderFields(job);
  renderResult(job);
  renderError(job);
  byId('download-job').hidden = !(job.type === 'data_export' && job.status === 'completed');
  await renderHistory(job.id);
}

async function showJob(id: string, signal: AbortSignal): Promise<void> {
  byId('detail-message').textContent = '';
  byId('detail').dataset.job = id;
  await renderJob(await client().getJob(id));
  byId('detail-title').focus();
  for await (const event of client().events(id, { signal })) {
    if (event.type === 'progress') {
      renderProgress(event.status, event.progress);
      continue;
    }
    // A terminal event has no result inline: read the full job once.
    await renderJob(isTerminal(event.job.status) ? await client().getJob(id) : event.job);
    if (isTerminal(event.job.status)) await renderStats();
  }
}

async function cancel(): Promise<void> {
  const id = byId('detail').dataset.job;
  if (!id) return;
  const note = byId('detail-message');
  try {
    const outcome = await client().cancelJob(id);
    note.textContent = outcome.immediate ? 'Job cancelled.' : 'Cancellation requested; the job stops at its next checkpoint.';
  } catch (error) {
    note.textContent = `Cannot cancel: ${message(error)}`;
  }
}

/** The retry is a new job, so the view moves to it. */
async function retry(): Promise<void> {
  const id = byId('detail').dataset.job;
  if (!id) return;
  try {
    location.hash = `#/jobs/${(await client().retryJob(id)).jobId}`;
  } catch (error) {
    byId('detail-message').textContent = `Cannot retry: ${message(error)}`;
  }
}

async function download(): Promise<void> {
  const id = byId('detail').dataset.job;
  if (!id) return;
  try {
    await saveResponse(await client().download({ jobId: id }), `export-${id}`);
  } catch (error) {
    byId('detail-message').textContent = `Download failed: ${message(error)}`;
  }
}

// ---- routing --------------------------------------------------------------------------------

/** `#/jobs/{id}` shows one job; anything else the overview. */
async function route(): Promise<void> {
  if (!api) return;
  viewStreams.abort();
  viewStreams = new AbortController();
  const signal = viewStreams.signal;
  const id = /^#\/jobs\/([\w-]+)$/.exec(location.hash)?.[1];
  byId('detail').hidden = !id;
  byId('overview').hidden = Boolean(id);
  try {
    if (id) {
      await Promise.all([renderStats(), showJob(id, signal)]);
    } else {
      await Promise.all([renderStats(), renderList()]);
    }
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof JobQueueError && error.code === 'UNAUTHORIZED') return signOut();
    const target = id ? byId('detail-message') : byId('page-info');
    target.textContent = error instanceof JobQueueError && error.code === 'JOB_NOT_FOUND' ? 'No such job.' : `Error: ${message(error)}`;
  }
}

function wire(): void {
  const statuses: JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];
  byId('filter-status').append(...statuses.map((s) => h('option', {}, s)));
  byId('filter-priority').append(...['critical', 'high', 'medium', 'low'].map((p) => h('option', {}, p)));

  byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const error = byId('sign-in-error');
    error.textContent = '';
    signIn(byId<HTMLInputElement>('api-key').value.trim()).catch((e: unknown) => {
      api = null;
      error.textContent = signInError(e);
      byId('api-key').focus();
    });
  });
  byId('sign-out').addEventListener('click', signOut);
  byId<HTMLFormElement>('batch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void submitBatch(event.currentTarget as HTMLFormElement);
  });
  byId<HTMLFormElement>('upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void upload(event.currentTarget as HTMLFormElement);
  });
  byId('filters').addEventListener('change', () => {
    page = 1;
    void route();
  });
  byId('prev-page').addEventListener('click', () => {
    page = Math.max(1, page - 1);
    void route();
  });
  byId('next-page').addEventListener('click', () => {
    page += 1;
    void route();
  });
  byId('cancel-job').addEventListener('click', () => void cancel());
  byId('retry-job').addEventListener('click', () => void retry());
  byId('toggle-pause').addEventListener('click', () => void togglePause());
  byId('download-job').addEventListener('click', () => void download());
  window.addEventListener('hashchange', () => void route());

  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) signIn(saved).catch(signOut);
}

wire();
