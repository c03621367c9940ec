/** The views beside the job list: schedules, the queue (pause state and counts), a dataset's records. */
import { badge, count, facts, formatTime, h, relativeTime, table } from './dom.ts';
import { client, message, PRIORITIES, shortId, showPaused, typeLabel } from './session.ts';

export async function schedulesView(root: HTMLElement): Promise<void> {
  const schedules = await client().listSchedules();
  const note = h('p', { id: 'schedule-status', role: 'status' });
  const rows = schedules.map((s) => {
    const remove = h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete schedule ${s.id}` }, 'Delete');
    remove.addEventListener('click', () => {
      if (!confirm(`Delete the schedule "${s.cron}" (${typeLabel(s.job.type)})? Jobs it created are kept.`)) return;
      client()
        .deleteSchedule(s.id)
        .then(
          () => window.dispatchEvent(new HashChangeEvent('hashchange')),
          (error: unknown) => (note.textContent = `Cannot delete: ${message(error)}`),
        );
    });
    return [
      h('code', {}, s.cron),
      s.timezone,
      `${typeLabel(s.job.type)}, ${s.job.priority}`,
      s.nextRunAt ? h('time', { datetime: s.nextRunAt, title: formatTime(s.nextRunAt) }, relativeTime(s.nextRunAt)) : '—',
      s.lastRunAt ? h('time', { datetime: s.lastRunAt, title: formatTime(s.lastRunAt) }, relativeTime(s.lastRunAt)) : 'never',
      `${count(s.fired)}${s.refused > 0 ? ` (${count(s.refused)} refused)` : ''}`,
      remove,
    ];
  });
  root.replaceChildren(
    h(
      'section',
      { 'aria-labelledby': 'schedules-title' },
      h('div', { class: 'title-row' }, h('h2', { id: 'schedules-title', tabindex: -1 }, 'Schedules'), h('a', { class: 'button', href: '#/new' }, 'New scheduled job')),
      h('p', { class: 'hint' }, 'A schedule creates a job on each tick of its cron expression. Create one from “New job” with “On a schedule”.'),
      rows.length === 0 ? h('p', { class: 'empty' }, 'No schedules.') : table(`${count(rows.length)} schedules`, ['Cron', 'Time zone', 'Job', 'Next run', 'Last run', 'Jobs created', ''], rows),
      note,
    ),
  );
}

export async function queueView(root: HTMLElement): Promise<void> {
  const s = await client().stats();
  showPaused(s.paused);
  const toggle = h('button', { type: 'button', id: 'toggle-pause' }, s.paused ? 'Resume queue' : 'Pause queue');
  const state = h('p', { id: 'queue-state', role: 'status', class: s.paused ? 'paused' : 'running' }, s.paused ? 'Paused: running jobs finish, new jobs are accepted, but none starts until you resume.' : 'Running: jobs start as slots free up.');
  toggle.addEventListener('click', () => {
    toggle.disabled = true;
    (s.paused ? client().resumeQueue() : client().pauseQueue()).then(
      () => window.dispatchEvent(new HashChangeEvent('hashchange')),
      (error: unknown) => {
        state.textContent = `Cannot change the queue: ${message(error)}`;
        toggle.disabled = false;
      },
    );
  });
  const p = s.performance;
  // "0.07 jobs/minute": the unit goes in the label, so the figure never wraps mid-unit.
  const [rate = p.throughput, ...unit] = p.throughput.split(' ');
  root.replaceChildren(
    h(
      'section',
      { 'aria-labelledby': 'queue-title' },
      h('div', { class: 'title-row' }, h('h2', { id: 'queue-title', tabindex: -1 }, 'Queue'), badge(s.paused ? 'paused' : 'running', s.paused ? 'failed' : 'completed')),
      h('div', { class: 'row' }, state, toggle),
      h('h3', {}, 'Jobs'),
      facts(
        [
          ['Total', s.total],
          ['Pending', s.pending],
          ['Running', s.running],
          ['Completed', s.completed],
          ['Failed', s.failed],
          ['Cancelled', s.cancelled],
        ],
        'stats',
      ),
      h('h3', {}, 'Performance'),
      facts(
        [
          ['Success rate', `${p.successRate}%`],
          [`Throughput, ${unit.join(' ') || 'jobs/minute'} (last ${p.throughputWindowMinutes} min)`, h('span', { id: 'throughput', class: 'nowrap' }, rate)],
          ['Average run', `${count(p.averageProcessingTime)} ms`],
          ['Peak concurrency', p.peakConcurrency],
        ],
        'stats',
      ),
      h('h3', {}, 'By type'),
      table(
        'Jobs by type',
        ['Type', 'Total', 'Completed', 'Failed', 'Cancelled'],
        Object.entries(s.byType).map(([type, t]) => [typeLabel(type), count(t.total), count(t.completed), count(t.failed), count(t.cancelled)]),
      ),
      h('h3', {}, 'By priority'),
      facts(
        PRIORITIES.map((name) => [name, s.byPriority[name] ?? 0]),
        'stats',
      ),
    ),
  );
}

const RECORDS_PAGE = 25;

/** A dataset's records a page at a time; the cursors seen so far make "Previous" work. */
export async function datasetView(root: HTMLElement, id: string): Promise<void> {
  const dataset = await client().getDataset(id);
  const cursors: (string | undefined)[] = [undefined];
  const box = h('div', {});
  const show = async (index: number): Promise<void> => {
    const page = await client().datasetRecords(id, { limit: RECORDS_PAGE, ...(cursors[index] ? { cursor: cursors[index] } : {}) });
    if (page.cursor) cursors[index + 1] = page.cursor;
    // The source's other columns, as many as stay readable.
    const extra = [...new Set(page.records.flatMap((r) => Object.keys(r.fields)))].slice(0, 4);
    const prev = h('button', { type: 'button', disabled: index === 0 }, 'Previous');
    const next = h('button', { type: 'button', disabled: !page.cursor }, 'Next');
    prev.addEventListener('click', () => void show(index - 1));
    next.addEventListener('click', () => void show(index + 1));
    const first = index * RECORDS_PAGE;
    box.replaceChildren(
      page.records.length === 0
        ? h('p', { class: 'empty' }, 'No records.')
        : table(
            `Records ${count(first + 1)}–${count(first + page.records.length)} of ${count(dataset.recordCount)}`,
            ['Text', 'Sentiment', 'Score', ...extra, 'Created', 'Source'],
            page.records.map((r) => [
              h('span', { class: 'text-cell' }, r.text),
              ...extra.map((c) => String(r.fields[c] ?? '')),
              r.sentiment ? badge(r.sentiment) : h('span', { class: 'muted' }, 'not scored'),
              r.score === null ? '' : r.score.toFixed(3),
              formatTime(r.createdAt),
              `${r.source.file}, line ${count(r.source.line)}`,
            ]),
          ),
      h('nav', { class: 'pager', 'aria-label': 'Record pages' }, prev, h('span', {}, `Page ${index + 1}`), next),
    );
  };
  const counts = Object.entries(dataset.counts).map(([k, n]) => `${count(n)} ${k}`);
  root.replaceChildren(
    h(
      'section',
      { 'aria-labelledby': 'dataset-title' },
      h('p', {}, h('a', { href: '#/' }, '← All jobs')),
      h('h2', { id: 'dataset-title', tabindex: -1 }, `Dataset ${shortId(id)}…`),
      facts([
        ['Id', h('code', {}, id)],
        ['Records', dataset.recordCount],
        ['By sentiment', counts.join(', ')],
        ['Updated', formatTime(dataset.updatedAt)],
      ]),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/new?type=data_export&datasetId=${id}` }, 'Export this dataset')),
      box,
    ),
  );
  await show(0);
}
