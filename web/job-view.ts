/**
 * One job's page: state and progress live from its event stream, the facts people ask about
 * (when it runs, what it waits for, how long it took), a result section made for its type, and
 * its history as a timeline. Nothing here prints raw JSON.
 */
import { formatBytes, formatDuration, JobQueueError, progressUnit, readResult, readSentimentItem, type AuditEvent, type Distribution, type Job, type JobStatus, type ResultView } from '../src/client/index.ts';
import { badge, count, facts, formatTime, h, relativeTime, saveResponse, table, type Child } from './dom.ts';
import { client, isTerminal, message, typeLabel } from './session.ts';

const RESULT_PAGE = 20;
const MAX_FINDINGS_SHOWN = 200;

function jobLink(id: string): HTMLAnchorElement {
  return h('a', { href: `#/jobs/${id}` }, h('code', {}, id));
}

function when(iso: string): HTMLElement {
  return h('span', {}, h('time', { datetime: iso }, formatTime(iso)), ` (${relativeTime(iso)})`);
}

function jobFacts(job: Job): HTMLDListElement {
  const s = job.processingStats;
  const finished = job.completedAt ?? job.failedAt ?? job.cancelledAt;
  const pending = job.status === 'pending';
  return facts([
    ['Runs at', pending && job.scheduledFor ? when(job.scheduledFor) : undefined],
    ['Next attempt', pending && job.nextAttemptAt ? when(job.nextAttemptAt) : undefined],
    ['Waiting for', job.waitingFor && job.waitingFor.length > 0 ? h('span', { class: 'id-list' }, ...job.waitingFor.map(jobLink)) : undefined],
    ['Priority', job.priority],
    progressUnit(job.type) === 'bytes'
      ? ['Read', s.totalItems > 0 ? `${formatBytes(s.processedItems)} of ${formatBytes(s.totalItems)}` : undefined]
      : ['Items', s.totalItems > 0 ? `${count(s.processedItems)} of ${count(s.totalItems)}${s.failedItems > 0 ? ` (${count(s.failedItems)} failed)` : ''}` : undefined],
    ['Speed', job.status === 'running' ? s.currentSpeed : undefined],
    ['Created', when(job.createdAt)],
    ['Started', job.startedAt ? when(job.startedAt) : undefined],
    ['Estimated completion', job.status === 'running' && job.estimatedCompletion ? when(job.estimatedCompletion) : undefined],
    ['Finished', finished ? h('span', {}, formatTime(finished), job.startedAt ? ` (took ${formatDuration(job.startedAt, finished)})` : '') : undefined],
    ['Attempts', `${job.attempts} of ${job.maxAttempts}`],
    ['Retry of', job.retryOf ? jobLink(job.retryOf) : undefined],
    ['Retried by', job.retriedBy ? jobLink(job.retriedBy) : undefined],
    ['Callback', job.callbackUrl],
    ['Kept until', job.expiresAt ? formatTime(job.expiresAt) : undefined],
  ]);
}

// ---- per-type results -----------------------------------------------------------------------

function distributionBar(d: Distribution): HTMLElement {
  const total = d.positive + d.negative + d.neutral;
  const parts: [keyof Distribution, string][] = [
    ['positive', 'Positive'],
    ['neutral', 'Neutral'],
    ['negative', 'Negative'],
  ];
  const pct = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);
  return h(
    'figure',
    { class: 'distribution' },
    h('div', { class: 'bar', role: 'img', 'aria-label': parts.map(([k, label]) => `${label} ${pct(d[k])}%`).join(', ') }, ...parts.map(([k]) => (d[k] > 0 ? h('span', { class: `seg-${k}`, style: `width:${pct(d[k])}%` }) : null))),
    h('figcaption', {}, h('ul', { class: 'legend' }, ...parts.map(([k, label]) => h('li', {}, h('span', { class: `swatch seg-${k}` }), `${label} ${count(d[k])} (${pct(d[k])}%)`)))),
  );
}

function scoreWords(score: number): string {
  return score > 0.05 ? 'leaning positive' : score < -0.05 ? 'leaning negative' : 'neutral';
}

function chips(values: string[], none: string): HTMLElement {
  return values.length === 0 ? h('span', { class: 'muted' }, none) : h('span', { class: 'chips' }, ...values.map((v) => h('span', { class: 'chip' }, v)));
}

/** The items of a sentiment job, a page at a time from /result. */
function sentimentTable(jobId: string, total: number): HTMLElement {
  const box = h('div', { class: 'paged' });
  const show = async (offset: number): Promise<void> => {
    const page = await client().results(jobId, { offset, limit: RESULT_PAGE });
    const items = page.results.map(readSentimentItem);
    const prev = h('button', { type: 'button', disabled: offset === 0 }, 'Previous');
    const next = h('button', { type: 'button', disabled: page.nextOffset === null }, 'Next');
    prev.addEventListener('click', () => void show(Math.max(0, offset - RESULT_PAGE)));
    next.addEventListener('click', () => void (page.nextOffset !== null && show(page.nextOffset)));
    box.replaceChildren(
      table(
        `Texts ${count(offset + 1)}–${count(offset + items.length)} of ${count(page.total)}`,
        ['Text', 'Sentiment', 'Score', 'Confidence', 'PII'],
        items.map((i) => [h('span', { class: 'text-cell' }, i.text), i.error ? h('span', { class: 'error' }, i.error) : badge(i.sentiment ?? '—', i.sentiment ?? 'unknown'), i.score?.toFixed(3), i.confidence?.toFixed(2), i.piiTypes.join(', ')]),
      ),
      h('nav', { class: 'pager', 'aria-label': 'Result pages' }, prev, h('span', {}, `${count(page.total)} texts`), next),
    );
  };
  box.append(h('p', {}, total > 0 ? 'Loading results…' : 'No texts.'));
  if (total > 0) show(0).catch((error: unknown) => box.replaceChildren(h('p', { class: 'error' }, message(error))));
  return box;
}

function severityCounts(s: Record<'critical' | 'high' | 'medium' | 'low', number>): HTMLElement {
  return h('ul', { class: 'counts' }, ...(['critical', 'high', 'medium', 'low'] as const).map((k) => h('li', {}, h('span', { class: `count sev-${k}` }, count(s[k])), ` ${k}`)));
}

function resultSection(job: Job, view: ResultView, actions: HTMLElement): Child[] {
  switch (view.type) {
    case 'sentiment_analysis_batch':
      return [
        h('h3', {}, 'Sentiment'),
        distributionBar(view.distribution),
        facts([
          ['Average score', view.averageScore === undefined ? undefined : `${view.averageScore.toFixed(3)} (${scoreWords(view.averageScore)})`],
          ['Texts analysed', `${count(view.successful)}${view.failed > 0 ? `, ${count(view.failed)} failed` : ''}`],
          ['Personal data masked', chips(view.piiTypes, 'none found')],
        ]),
        h('h3', {}, 'Results'),
        sentimentTable(job.id, view.processed),
      ];
    case 'security_scan': {
      const shown = view.findings.slice(0, MAX_FINDINGS_SHOWN);
      const report = h('button', { type: 'button', id: 'download-report' }, 'Download report');
      report.addEventListener('click', () => void downloadFor(job.id, `security-scan-${job.id}.json`));
      actions.append(report);
      return [
        h('h3', {}, 'Risk'),
        h(
          'div',
          { class: 'risk-row' },
          h('span', { class: `risk risk-${view.riskLevel}`, id: 'risk-level' }, `${view.riskLevel} risk`),
          view.riskScore === undefined ? null : h('span', {}, `score ${view.riskScore} of 100`),
          h('span', {}, `${count(view.totalFindings)} findings`),
        ),
        severityCounts(view.bySeverity),
        facts([
          ['File', view.filePath],
          ['Scan', view.scanType ? `${view.scanType}${view.sampled ? ' (sampled)' : ''}` : undefined],
          ['Finding types', view.byType.length > 0 ? h('span', { class: 'chips' }, ...view.byType.map((t) => h('span', { class: `chip sev-${t.severity}` }, `${t.type} ×${count(t.count)}`))) : undefined],
        ]),
        h('h3', {}, 'Compliance'),
        view.compliance.length === 0
          ? h('p', {}, 'No framework assessed.')
          : table(
              'Compliance by framework',
              ['Framework', 'Status', 'Controls concerned'],
              view.compliance.map((c) => [
                h('strong', {}, c.framework),
                badge(c.status),
                c.controls.length === 0 ? h('span', { class: 'muted' }, 'none') : h('ul', { class: 'plain' }, ...c.controls.map((k) => h('li', {}, h('strong', {}, k.control), ` ${k.title} — ${count(k.count)} (${k.findingTypes.join(', ')})`))),
              ]),
            ),
        h('h3', {}, 'Findings'),
        shown.length === 0
          ? h('p', {}, 'No findings.')
          : table(
              `${count(shown.length)} of ${count(view.totalFindings)} findings${view.findingsTruncated || shown.length < view.totalFindings ? ' (the report has the rest)' : ''}`,
              ['Type', 'Severity', 'Line', 'Preview (masked)'],
              shown.map((f) => [f.type, badge(f.severity, `sev-${f.severity}`), f.line === undefined ? '—' : `${count(f.line)}${f.column === undefined ? '' : `:${f.column}`}`, h('code', {}, f.preview)]),
            ),
      ];
    }
    case 'file_processing': {
      if (view.datasetId) {
        actions.append(
          h('a', { class: 'button', href: `#/datasets/${view.datasetId}` }, 'View records'),
          h('a', { class: 'button secondary', href: `#/new?type=security_scan&filePath=${encodeURIComponent(view.filePath ?? '')}&datasetId=${view.datasetId}` }, 'Scan this file'),
          h('a', { class: 'button secondary', href: `#/new?type=data_export&datasetId=${view.datasetId}` }, 'Export the dataset'),
        );
      }
      return [
        h('h3', {}, 'Rows'),
        h('ul', { class: 'counts' }, h('li', {}, h('span', { class: 'count status-completed', id: 'rows-parsed' }, count(view.rowsParsed)), ' parsed'), h('li', {}, h('span', { class: `count ${view.rowsFailed > 0 ? 'status-failed' : ''}` }, count(view.rowsFailed)), ' failed')),
        facts([
          ['File', view.filePath],
          ['Format', view.format],
          ['Processing', view.processingType === 'analyze' ? 'parsed and scored for sentiment' : view.processingType === 'parse' ? 'parsed' : view.processingType],
          ['Columns', view.columns.length > 0 ? chips(view.columns, '') : undefined],
          ['Dataset', view.datasetId ? h('a', { href: `#/datasets/${view.datasetId}` }, h('code', {}, view.datasetId)) : undefined],
        ]),
        ...(view.errors.length > 0
          ? [h('h3', {}, 'First errors'), h('ul', { class: 'errors' }, ...view.errors.slice(0, 10).map((e) => h('li', {}, e.line === undefined ? '' : h('strong', {}, `Line ${count(e.line)}: `), e.message))), view.errorsTruncated || view.errors.length > 10 ? h('p', { class: 'muted' }, 'More errors are not shown.') : null]
          : []),
        ...(view.distribution ? [h('h3', {}, 'Sentiment'), distributionBar(view.distribution), facts([['Average score', view.averageScore === undefined ? undefined : `${view.averageScore.toFixed(3)} (${scoreWords(view.averageScore)})`]])] : []),
      ];
    }
    case 'data_export': {
      const label = `Download ${(view.format ?? 'file').toUpperCase()}`;
      const button = h('button', { type: 'button', id: 'download-export' }, label);
      button.addEventListener('click', () => void downloadFor(job.id, view.fileName ?? `export-${job.id}`));
      actions.append(button);
      return [
        h('h3', {}, 'Export'),
        facts([
          ['Records', view.records],
          ['Format', view.format?.toUpperCase()],
          ['Size', formatBytes(view.bytes)],
          ['File name', view.fileName],
          ['Available until', view.expiresAt ? formatTime(view.expiresAt) : undefined],
          ['Dataset', view.datasetId ? h('a', { href: `#/datasets/${view.datasetId}` }, h('code', {}, view.datasetId)) : undefined],
        ]),
      ];
    }
  }
}

/** A type this dashboard does not know: its plain fields, never a JSON dump. */
function genericResult(result: Record<string, unknown>): Child[] {
  const plain = Object.entries(result).filter((e): e is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof e[1]));
  return [h('h3', {}, 'Result'), facts(plain.map(([k, v]) => [k, String(v)]))];
}

async function downloadFor(id: string, name: string): Promise<void> {
  const note = document.getElementById('detail-message');
  try {
    const saved = await saveResponse(await client().download({ jobId: id }), name);
    if (note) note.textContent = `Saved ${saved}.`;
  } catch (error) {
    if (note) note.textContent = `Download failed: ${message(error)}`;
  }
}

// ---- history --------------------------------------------------------------------------------

const ACTIONS: Record<string, string> = {
  'job.create': 'Created',
  'job.start': 'Started',
  'job.cancel': 'Cancel requested',
  'job.retry': 'Retried',
};

function historyItem(e: AuditEvent): HTMLLIElement {
  const what = ACTIONS[e.action] ?? (e.action === 'job.state' ? e.outcome.charAt(0).toUpperCase() + e.outcome.slice(1) : `${e.action.replace(/^job\./, '')}: ${e.outcome}`);
  return h(
    'li',
    { class: `event outcome-${e.outcome}`, 'data-action': e.action },
    h('time', { datetime: e.at }, new Date(e.at).toLocaleTimeString()),
    h('span', { class: 'what' }, what),
    e.detail ? h('span', { class: 'muted' }, e.detail) : null,
    h('span', { class: 'muted actor' }, e.actor === 'system' ? 'by the queue' : `by ${e.actor}`),
  );
}

// ---- the page -------------------------------------------------------------------------------

export async function jobView(root: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  const progress = h('progress', { id: 'detail-progress', max: 100, value: 0, 'aria-labelledby': 'detail-progress-label' });
  const label = h('span', { id: 'detail-progress-label', 'aria-live': 'polite' });
  const status = h('span', { id: 'detail-status' });
  const cancel = h('button', { type: 'button', id: 'cancel-job', hidden: true }, 'Cancel job');
  const retry = h('button', { type: 'button', id: 'retry-job', hidden: true }, 'Retry job');
  const actions = h('div', { class: 'actions' });
  const note = h('p', { id: 'detail-message', role: 'status' });
  const title = h('h2', { id: 'detail-title', tabindex: -1 }, 'Job');
  const body = h('div', { id: 'detail-body' });
  const history = h('ol', { id: 'detail-history', class: 'timeline' });
  root.replaceChildren(
    h(
      'section',
      { class: 'job-page', 'aria-labelledby': 'detail-title' },
      h('p', {}, h('a', { href: '#/' }, '← All jobs')),
      h('div', { class: 'title-row' }, title, status),
      h('p', { class: 'job-id' }, 'Job ', h('code', {}, id)),
      h('div', { class: 'progress-row' }, progress, label),
      h('div', { class: 'actions' }, cancel, retry, actions),
      note,
      body,
      h('h3', {}, 'History'),
      history,
    ),
  );

  let announced = '';
  const renderProgress = (now: JobStatus, value: number, cancelling = false) => {
    progress.value = value;
    status.replaceChildren(badge(cancelling && !isTerminal(now) ? 'cancelling' : now, now));
    // Screen readers hear status changes and each quarter, not every percent.
    const quarter = `${now}-${Math.floor(value / 25)}-${cancelling}`;
    if (quarter !== announced) {
      announced = quarter;
      label.textContent = `${now}${cancelling && !isTerminal(now) ? ' (cancelling)' : ''}, ${value}%`;
    }
    cancel.hidden = isTerminal(now);
    retry.hidden = now !== 'failed' && now !== 'cancelled';
  };

  const render = async (job: Job) => {
    title.textContent = typeLabel(job.type);
    renderProgress(job.status, job.progress, job.cancelRequested);
    actions.replaceChildren();
    const view = job.status === 'completed' ? readResult(job.type, job.result) : null;
    const error = job.error
      ? h(
          'div',
          { class: 'error-box', id: 'detail-error' },
          h('strong', {}, 'Failed: '),
          job.error,
          job.errorDetails ? h('p', {}, `${job.errorDetails.code} during ${job.errorDetails.stage}, after ${job.errorDetails.attempts} attempt(s)${job.errorDetails.retryable ? '; retryable' : ''}`) : null,
        )
      : null;
    const result: Child[] = view ? resultSection(job, view, actions) : job.result ? genericResult(job.result) : [h('p', { class: 'muted' }, isTerminal(job.status) ? 'No result.' : 'The result appears here when the job completes.')];
    body.replaceChildren(error ?? '', h('div', { class: 'columns' }, h('div', { id: 'detail-fields' }, h('h3', {}, 'Details'), jobFacts(job)), h('div', { id: 'detail-result' }, ...result)));
    history.replaceChildren(...(await client().history(job.id)).map(historyItem));
  };

  cancel.addEventListener('click', () => {
    client()
      .cancelJob(id)
      .then(
        (outcome) => (note.textContent = outcome.immediate ? 'Job cancelled.' : 'Cancellation requested; the job stops at its next checkpoint.'),
        (error: unknown) => (note.textContent = `Cannot cancel: ${message(error)}`),
      );
  });
  retry.addEventListener('click', () => {
    client()
      .retryJob(id)
      .then(
        (retried) => (location.hash = `#/jobs/${retried.jobId}`),
        (error: unknown) => (note.textContent = `Cannot retry: ${message(error)}`),
      );
  });

  try {
    await render(await client().getJob(id));
  } catch (error) {
    if (error instanceof JobQueueError && (error.code === 'JOB_NOT_FOUND' || error.status === 400)) {
      title.textContent = 'No such job';
      note.textContent = `No job has the id ${id}.`;
      return;
    }
    throw error;
  }
  title.focus();

  for await (const event of client().events(id, { signal })) {
    if (event.type === 'progress') {
      renderProgress(event.status, event.progress);
      continue;
    }
    // A state change: events carry the job's summary, the page shows all of it (result, waits).
    await render(await client().getJob(id));
  }
}
