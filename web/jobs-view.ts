/** The job list: what the dashboard opens on. Rows of unfinished jobs follow their event streams. */
import { JobQueueError, type JobStatus, type JobSummary } from '../src/client/index.ts';
import { badge, count, h, relativeTime } from './dom.ts';
import { client, isTerminal, jobTypes, message, PRIORITIES, shortId, showPaused, STATUSES, typeLabel } from './session.ts';

const PAGE_SIZE = 15;
/** Live streams at once for list rows; beyond that, rows refresh with the list. */
const MAX_ROW_STREAMS = 6;

/** Kept across visits, so coming back from a job shows the same page and filters. */
const state: { page: number; status: string; type: string; priority: string } = { page: 1, status: '', type: '', priority: '' };

function progressCell(job: Pick<JobSummary, 'id' | 'progress'>): HTMLDivElement {
  return h('div', { class: 'progress-cell' }, h('progress', { max: 100, value: job.progress, 'aria-label': `Progress of job ${job.id}` }), h('span', { class: 'percent' }, `${job.progress}%`));
}

function row(job: JobSummary): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-job': job.id },
    h('td', { 'data-label': 'Job' }, h('a', { href: `#/jobs/${job.id}`, title: job.id }, typeLabel(job.type), ' ', h('code', {}, shortId(job.id)))),
    h('td', { 'data-label': 'Status' }, badge(job.status)),
    h('td', { 'data-label': 'Progress' }, progressCell(job)),
    h('td', { 'data-label': 'Priority' }, job.priority),
    h('td', { 'data-label': 'Created' }, h('time', { datetime: job.createdAt, title: new Date(job.createdAt).toLocaleString() }, relativeTime(job.createdAt))),
  );
}

/** Keeps a row's status and bar current until its job ends. */
async function follow(tr: HTMLTableRowElement, id: string, signal: AbortSignal): Promise<void> {
  for await (const event of client().events(id, { signal })) {
    const { status, progress } = 'job' in event ? event.job : event;
    tr.querySelector('progress')?.setAttribute('value', String(progress));
    const percent = tr.querySelector('.percent');
    if (percent) percent.textContent = `${progress}%`;
    tr.querySelector('.badge')?.replaceWith(badge(status));
  }
}

function select(id: string, label: string, name: keyof typeof state, options: readonly string[], labelOf: (v: string) => string = (v) => v): HTMLDivElement {
  return h(
    'div',
    { class: 'inline-field' },
    h('label', { for: id }, label),
    h('select', { id, name }, h('option', { value: '' }, 'any'), ...options.map((v) => h('option', { value: v, selected: state[name] === v }, labelOf(v)))),
  );
}

/** How often the list looks for new jobs; rows of running jobs move by their streams in between. */
const REFRESH_MS = 10_000;

function repaint(): void {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

function findForm(): HTMLFormElement {
  const find = h(
    'form',
    { class: 'find', role: 'search' },
    h('label', { for: 'find-id' }, 'Find a job'),
    h('input', { id: 'find-id', name: 'id', placeholder: 'Job id', required: true, autocomplete: 'off', spellcheck: 'false' }),
    h('button', { type: 'submit' }, 'Open'),
    h('p', { id: 'find-status', class: 'error', role: 'status' }),
  );
  find.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = (find.elements.namedItem('id') as HTMLInputElement).value.trim();
    const note = find.querySelector('#find-status') as HTMLElement;
    client()
      .getJob(id)
      .then(
        (job) => (location.hash = `#/jobs/${job.id}`),
        (error: unknown) => (note.textContent = error instanceof JobQueueError && (error.code === 'JOB_NOT_FOUND' || error.status === 400) ? `No job has the id ${id}.` : message(error)),
      );
  });
  return find;
}

/** The counts, rows and pager: what a refresh redraws (the filters and search stay as typed). */
async function listing(signal: AbortSignal): Promise<Node[]> {
  const [s, page] = await Promise.all([
    client().stats(),
    client().listJobs({
      status: (state.status || undefined) as JobStatus | undefined,
      type: (state.type || undefined) as JobSummary['type'] | undefined,
      priority: (state.priority || undefined) as JobSummary['priority'] | undefined,
      limit: PAGE_SIZE,
      page: state.page,
    }),
  ]);
  showPaused(s.paused);
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  const counts: [string, number, string][] = [
    ['Pending', s.pending, 'pending'],
    ['Running', s.running, 'running'],
    ['Completed', s.completed, 'completed'],
    ['Failed', s.failed, 'failed'],
    ['Cancelled', s.cancelled, 'cancelled'],
  ];
  const rows = page.jobs.map(row);
  const body: Node =
    rows.length > 0
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'job-table cards' },
            h('caption', { class: 'visually-hidden' }, 'Jobs, newest first'),
            h('thead', {}, h('tr', {}, ...['Job', 'Status', 'Progress', 'Priority', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
            h('tbody', { id: 'job-list' }, ...rows),
          ),
        )
      : h('p', { id: 'job-list', class: 'empty' }, page.total === 0 && !state.status && !state.type && !state.priority ? 'No jobs yet. Start one with “New job”.' : 'No jobs match.');
  const prev = h('button', { type: 'button', disabled: state.page <= 1 }, 'Previous');
  const next = h('button', { type: 'button', disabled: state.page >= pages }, 'Next');
  prev.addEventListener('click', () => {
    state.page = Math.max(1, state.page - 1);
    repaint();
  });
  next.addEventListener('click', () => {
    state.page += 1;
    repaint();
  });
  let streams = 0;
  page.jobs.forEach((job, i) => {
    const tr = rows[i];
    if (!tr || isTerminal(job.status) || streams++ >= MAX_ROW_STREAMS) return;
    follow(tr, job.id, signal).catch(() => undefined);
  });
  return [
    h('ul', { class: 'counts', 'aria-label': 'Jobs by status' }, ...counts.map(([label, n, kind]) => h('li', {}, h('span', { class: `count status-${kind}` }, count(n)), ' ', label))),
    body,
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, h('span', { id: 'page-info' }, `Page ${page.page} of ${pages} · ${count(page.total)} jobs`), next),
  ];
}

export async function jobsView(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const filters = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter jobs' },
    select('filter-status', 'Status', 'status', STATUSES),
    select('filter-type', 'Type', 'type', jobTypes(), typeLabel),
    select('filter-priority', 'Priority', 'priority', PRIORITIES),
  );
  filters.addEventListener('change', (event) => {
    const target = event.target as HTMLSelectElement;
    state[target.name as 'status' | 'type' | 'priority'] = target.value;
    state.page = 1;
    repaint();
  });
  const live = h('div', { id: 'job-listing' });
  let streams = new AbortController();
  live.replaceChildren(...(await listing(streams.signal)));
  root.replaceChildren(
    h('section', { 'aria-labelledby': 'jobs-title' }, h('div', { class: 'title-row' }, h('h2', { id: 'jobs-title', tabindex: -1 }, 'Jobs')), h('div', { class: 'toolbar' }, filters, findForm()), live),
  );

  if (signal.aborted) return streams.abort();
  // New jobs show up without a reload while the list is on screen.
  const timer = setInterval(() => {
    if (document.hidden) return;
    const fresh = new AbortController();
    listing(fresh.signal).then(
      (nodes) => {
        if (signal.aborted) return fresh.abort();
        streams.abort();
        streams = fresh;
        live.replaceChildren(...nodes);
      },
      () => fresh.abort(),
    );
  }, REFRESH_MS);
  signal.addEventListener('abort', () => {
    clearInterval(timer);
    streams.abort();
  });
}
