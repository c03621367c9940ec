/**
 * The "New job" panel: one form per job type in plain words, pickers for uploaded files and
 * datasets (with an upload right there), the API's defaults preselected, and one "when" choice:
 * now, later, after other jobs, or on a schedule.
 */
import { formatBytes, type CreateJobRequest, type JobPriority, type JobType } from '../src/client/index.ts';
import { count, h, relativeTime } from './dom.ts';
import { schemaForm } from './schema-form.ts';
import { client, dataSchema, jobTypes, message, PRIORITIES, shortId, TYPE_HINTS, typeLabel } from './session.ts';

const FRAMEWORKS = ['GDPR', 'HIPAA', 'PCI-DSS', 'SOC2', 'CCPA'];

/** A labelled control; the label sits above on phones and beside on wide screens (CSS). */
function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

function choice(name: string, legend: string, options: [string, string][], selected: string): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: 'choice' },
    h('legend', {}, legend),
    ...options.map(([value, label]) => h('label', { class: 'option' }, h('input', { type: 'radio', name, value, checked: value === selected }), label)),
  );
}

function checkbox(id: string, label: string, checked: boolean): HTMLDivElement {
  return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, name: id, checked }), h('label', { for: id }, label));
}

/** Uploaded files to pick from, and an upload that adds to them. */
async function filePicker(initial: string | null): Promise<HTMLElement> {
  const { files } = await client().listFiles({ limit: 200 });
  const pick = h(
    'select',
    { id: 'file-path', name: 'filePath', required: true },
    h('option', { value: '' }, files.length === 0 ? 'No files yet: upload one below' : 'Choose a file…'),
    ...files.map((f) => h('option', { value: f.path, selected: f.path === initial }, `${f.path} (${formatBytes(f.size)})`)),
  );
  const input = h('input', { id: 'upload-file', type: 'file' });
  const path = h('input', { id: 'upload-path', type: 'text', pattern: '[a-zA-Z0-9/_.\\-]+', placeholder: 'uploads/reviews.csv' });
  const send = h('button', { type: 'button', class: 'secondary' }, 'Upload');
  const bar = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = h('p', { id: 'upload-status', role: 'status' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file && !path.value) path.value = `uploads/${file.name.replace(/[^a-zA-Z0-9_.-]+/g, '-')}`;
  });
  send.addEventListener('click', () => {
    const file = input.files?.[0];
    if (!file || !path.value.trim()) {
      status.textContent = 'Choose a file and where to store it.';
      return;
    }
    bar.hidden = false;
    status.textContent = `Uploading ${file.name}…`;
    client()
      .uploadFile(path.value.trim(), file, { contentType: file.type || 'application/octet-stream', onProgress: (sent, total) => (bar.value = Math.round((sent / total) * 100)) })
      .then(
        (stored) => {
          status.textContent = `Uploaded ${stored.path} (${formatBytes(stored.size)}).`;
          pick.querySelector(`option[value="${CSS.escape(stored.path)}"]`)?.remove();
          pick.append(h('option', { value: stored.path }, `${stored.path} (${formatBytes(stored.size)})`));
          pick.value = stored.path;
          input.value = '';
          path.value = '';
        },
        (error: unknown) => (status.textContent = `Upload failed: ${message(error)}`),
      );
  });
  return h(
    'div',
    { class: 'picker' },
    field('file-path', 'File', pick),
    h('details', { class: 'upload', open: files.length === 0 }, h('summary', {}, 'Upload a file'), field('upload-file', 'Local file', input), field('upload-path', 'Store as', path, 'Letters, digits, / _ . - only.'), h('div', { class: 'row' }, send, bar), status),
  );
}

/** Existing datasets, optionally with "a new dataset" (a fresh id) or "none". */
async function datasetPicker(options: { allowNew: boolean; allowNone: boolean; initial: string | null; hint: string }): Promise<HTMLElement> {
  const { datasets } = await client().listDatasets({ limit: 100 });
  const fresh = crypto.randomUUID();
  const select = h(
    'select',
    { id: 'dataset-id', name: 'datasetId', required: !options.allowNone },
    options.allowNone ? h('option', { value: '' }, 'None') : null,
    options.allowNew ? h('option', { value: fresh }, `A new dataset (${shortId(fresh)}…)`) : null,
    !options.allowNew && !options.allowNone ? h('option', { value: '' }, datasets.length === 0 ? 'No datasets yet: process a file first' : 'Choose a dataset…') : null,
    ...datasets.map((d) => h('option', { value: d.datasetId, selected: d.datasetId === options.initial }, `${shortId(d.datasetId)}… — ${count(d.recordCount)} records, updated ${relativeTime(d.updatedAt)}`)),
  );
  if (options.initial && !datasets.some((d) => d.datasetId === options.initial)) {
    select.append(h('option', { value: options.initial, selected: true }, `${shortId(options.initial)}…`));
  }
  return field('dataset-id', 'Dataset', select, options.hint);
}

interface TypeForm {
  fields: HTMLElement[];
  data(form: HTMLFormElement): Record<string, unknown>;
}

const value = (form: HTMLFormElement, name: string) => {
  const element = form.elements.namedItem(name);
  return element instanceof RadioNodeList || element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement ? element.value.trim() : '';
};
const checked = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.checked === true;

async function typeForm(type: JobType, params: URLSearchParams): Promise<TypeForm> {
  const required = new Set(dataSchema(type)?.required ?? []);
  switch (type) {
    case 'sentiment_analysis_batch':
      return {
        fields: [
          field('texts', 'Texts, one per line', h('textarea', { id: 'texts', name: 'texts', rows: 6, required: true }), 'Up to 10,000 texts.'),
          checkbox('mask-pii', 'Mask personal data (emails, phone numbers, card numbers…)', true),
          checkbox('keywords', 'Extract keywords', false),
        ],
        data: (form) => ({
          texts: value(form, 'texts')
            .split('\n')
            .map((t) => t.trim())
            .filter(Boolean),
          enablePIIMasking: checked(form, 'mask-pii'),
          includeKeywords: checked(form, 'keywords'),
        }),
      };
    case 'file_processing':
      return {
        fields: [
          await filePicker(params.get('filePath')),
          await datasetPicker({ allowNew: true, allowNone: false, initial: params.get('datasetId'), hint: 'Records go into this dataset; a new one gets a fresh id.' }),
          choice('processingType', 'Processing', [['parse', 'Parse into records'], ['analyze', 'Parse and score sentiment']], 'analyze'),
        ],
        data: (form) => ({ filePath: value(form, 'filePath'), datasetId: value(form, 'datasetId'), processingType: value(form, 'processingType') }),
      };
    case 'security_scan':
      return {
        fields: [
          await filePicker(params.get('filePath')),
          choice('scanType', 'Depth', [['full', 'Full: every byte'], ['quick', 'Quick: a sample of a big file']], 'full'),
          h('fieldset', { class: 'choice' }, h('legend', {}, 'Compliance frameworks'), ...FRAMEWORKS.map((f) => h('label', { class: 'option' }, h('input', { type: 'checkbox', name: 'framework', value: f, checked: true }), f))),
          await datasetPicker({
            allowNew: required.has('datasetId'),
            allowNone: !required.has('datasetId'),
            initial: params.get('datasetId'),
            hint: 'The dataset this file belongs to, for the audit trail.',
          }),
        ],
        data: (form) => {
          const frameworks = [...form.querySelectorAll<HTMLInputElement>('input[name=framework]:checked')].map((i) => i.value);
          const datasetId = value(form, 'datasetId');
          return {
            filePath: value(form, 'filePath'),
            scanType: value(form, 'scanType'),
            ...(datasetId ? { datasetId } : {}),
            // All of them is the API's default; none is not a choice it takes.
            ...(frameworks.length > 0 && frameworks.length < FRAMEWORKS.length ? { complianceFramework: frameworks } : {}),
          };
        },
      };
    case 'data_export':
      return {
        fields: [
          await datasetPicker({ allowNew: false, allowNone: false, initial: params.get('datasetId'), hint: 'A dataset that file processing filled.' }),
          choice('format', 'Format', [['csv', 'CSV'], ['json', 'JSON'], ['xlsx', 'Excel (.xlsx)']], 'csv'),
          h(
            'details',
            {},
            h('summary', {}, 'Filters'),
            field('export-sentiment', 'Sentiment', h('select', { id: 'export-sentiment', name: 'sentiment' }, h('option', { value: '' }, 'any'), h('option', {}, 'positive'), h('option', {}, 'negative'), h('option', {}, 'neutral'))),
            h('div', { class: 'pair' }, field('export-start', 'Created from', h('input', { id: 'export-start', name: 'start', type: 'date' })), field('export-end', 'to', h('input', { id: 'export-end', name: 'end', type: 'date' }))),
            field('export-limit', 'At most', h('input', { id: 'export-limit', name: 'limit', type: 'number', min: 1, max: 1_000_000, placeholder: 'all records' })),
          ),
          checkbox('include-metadata', 'Include metadata columns (source file, line)', false),
        ],
        data: (form) => {
          const [sentiment, start, end, limit] = ['sentiment', 'start', 'end', 'limit'].map((n) => value(form, n));
          const filters = { ...(sentiment ? { sentiment } : {}), ...(start && end ? { dateRange: { start, end } } : {}), ...(limit ? { limit: Number(limit) } : {}) };
          return { datasetId: value(form, 'datasetId'), format: value(form, 'format'), filters, includeMetadata: checked(form, 'include-metadata') };
        },
      };
  }
}

function whenFields(): HTMLElement {
  const later = h('input', { id: 'run-at', name: 'runAt', type: 'datetime-local' });
  const cron = h('input', { id: 'cron', name: 'cron', placeholder: '0 3 * * *', autocomplete: 'off' });
  const zone = h('input', { id: 'timezone', name: 'timezone', value: Intl.DateTimeFormat().resolvedOptions().timeZone });
  return h(
    'div',
    { class: 'when' },
    field('priority', 'Priority', h('select', { id: 'priority', name: 'priority' }, ...PRIORITIES.map((p) => h('option', { value: p, selected: p === 'medium' }, p)))),
    choice('when', 'When', [['now', 'Now'], ['later', 'Later'], ['schedule', 'On a schedule']], 'now'),
    h('div', { class: 'when-later' }, field('run-at', 'Run at', later)),
    h('div', { class: 'when-schedule' }, field('cron', 'Cron expression', cron, 'Minute hour day month weekday, e.g. 0 3 * * * for 03:00 daily.'), field('timezone', 'Time zone', zone)),
    field('depends-on', 'After jobs', h('input', { id: 'depends-on', name: 'dependsOn', placeholder: 'job ids, comma separated', autocomplete: 'off' }), 'Starts once all of these complete.'),
  );
}

async function submit(type: JobType, form: HTMLFormElement, data: Record<string, unknown>): Promise<string> {
  const priority = value(form, 'priority') as JobPriority;
  const when = value(form, 'when');
  if (when === 'schedule') {
    await client().createSchedule({ cron: value(form, 'cron'), timezone: value(form, 'timezone') || 'UTC', job: { type, data, priority } });
    return '#/schedules';
  }
  const request: CreateJobRequest = { type, data, priority };
  const runAt = value(form, 'runAt');
  if (when === 'later' && runAt) request.runAt = new Date(runAt).toISOString();
  const dependsOn = value(form, 'dependsOn')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (dependsOn.length > 0) request.dependsOn = dependsOn;
  return `#/jobs/${(await client().createJob(request)).jobId}`;
}

export async function newJobView(root: HTMLElement, params: URLSearchParams): Promise<void> {
  const types = jobTypes();
  const initial = (types.find((t) => t === params.get('type')) ?? types[0]) as JobType | undefined;
  const chooser = h(
    'fieldset',
    { class: 'types' },
    h('legend', {}, 'What should the job do?'),
    ...types.map((t) =>
      h('label', { class: 'type-card' }, h('input', { type: 'radio', name: 'job-type', value: t, checked: t === initial }), h('strong', {}, typeLabel(t)), h('span', { class: 'hint' }, TYPE_HINTS[t] ?? '')),
    ),
  );
  const slot = h('div', { id: 'type-form' });
  root.replaceChildren(h('section', { class: 'new-job', 'aria-labelledby': 'new-title' }, h('p', {}, h('a', { href: '#/' }, '← All jobs')), h('h2', { id: 'new-title', tabindex: -1 }, 'New job'), chooser, slot));

  const show = async (type: JobType): Promise<void> => {
    slot.replaceChildren(h('p', {}, 'Loading…'));
    const schema = dataSchema(type);
    if (!(type in TYPE_HINTS) && schema) {
      // A type this dashboard has no form for: one built from its schema.
      slot.replaceChildren(schemaForm(type, schema, async (data) => void (location.hash = `#/jobs/${(await client().createJob({ type, data })).jobId}`)));
      return;
    }
    const spec = await typeForm(type, params);
    const status = h('p', { id: 'submit-status', role: 'status' });
    const form = h('form', { class: 'job-form', 'aria-label': `New ${typeLabel(type)} job` }, ...spec.fields, h('details', { class: 'options' }, h('summary', {}, 'Priority, timing and dependencies'), whenFields()), h('button', { type: 'submit' }, `Start ${typeLabel(type).toLowerCase()}`), status);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      status.textContent = 'Submitting…';
      submit(type, form, spec.data(form)).then(
        (target) => (location.hash = target),
        (error: unknown) => (status.textContent = `Not submitted: ${message(error)}`),
      );
    });
    slot.replaceChildren(form);
  };
  chooser.addEventListener('change', (event) => void show((event.target as HTMLInputElement).value as JobType).catch((error: unknown) => slot.replaceChildren(h('p', { class: 'error' }, message(error)))));
  if (initial) await show(initial);
  (root.querySelector('#new-title') as HTMLElement | null)?.focus();
}
