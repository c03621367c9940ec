import type { JsonSchema } from '../src/client/index.ts';
import { h } from './dom.ts';

/**
 * A form for a job type's `data`, built from the JSON Schema in the OpenAPI document, so job
 * types added to the API get a form without a dashboard change. Covers the shapes job data
 * uses: strings (UUIDs get a fresh default), enums, booleans, numbers, lists of strings.
 */
export function schemaForm(type: string, schema: JsonSchema, onSubmit: (data: Record<string, unknown>) => Promise<void>): HTMLFormElement {
  const fields = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const id = (name: string) => `${type}-${name}`;
  const status = h('p', { role: 'status' });
  const form = h(
    'form',
    { class: 'type-form', 'aria-label': `New ${type} job` },
    h('h3', {}, `New ${type.replaceAll('_', ' ')} job`),
    ...fields.map(([name, field]) => control(id(name), name, field, required.has(name) && field.default === undefined)),
    h('button', { type: 'submit' }, 'Submit job'),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data: Record<string, unknown> = {};
    for (const [name, field] of fields) {
      const input = form.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`#${CSS.escape(id(name))}`);
      if (!input) continue;
      const value = readValue(input, field);
      if (value !== undefined) data[name] = value;
    }
    status.textContent = 'Submitting…';
    onSubmit(data).then(
      () => (status.textContent = ''),
      (error: unknown) => (status.textContent = error instanceof Error ? error.message : String(error)),
    );
  });
  return form;
}

function kind(field: JsonSchema): string {
  const type = Array.isArray(field.type) ? field.type.find((t) => t !== 'null') : field.type;
  if (field.enum) return 'enum';
  if (type === 'array') return 'list';
  return type ?? 'string';
}

function control(id: string, name: string, field: JsonSchema, required: boolean): HTMLElement {
  const hint = field.description ? h('p', { class: 'hint', id: `${id}-hint` }, field.description) : null;
  const common = { id, name, required, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) };
  switch (kind(field)) {
    case 'boolean':
      return h('div', { class: 'row' }, h('input', { ...common, type: 'checkbox', required: false, checked: field.default === true }), h('label', { for: id }, name), hint);
    case 'enum':
      return h(
        'div',
        {},
        h('label', { for: id }, name),
        h('select', common, ...(field.enum ?? []).map((v) => h('option', { selected: v === field.default }, String(v)))),
        hint,
      );
    case 'list':
      return h('div', {}, h('label', { for: id }, `${name} (one per line)`), h('textarea', { ...common, rows: 3 }), hint);
    case 'integer':
    case 'number':
      return h(
        'div',
        {},
        h('label', { for: id }, name),
        h('input', { ...common, type: 'number', min: field.minimum, max: field.maximum, value: typeof field.default === 'number' ? field.default : undefined }),
        hint,
      );
    default:
      return h(
        'div',
        {},
        h('label', { for: id }, name),
        h('input', { ...common, type: 'text', value: field.format === 'uuid' ? crypto.randomUUID() : typeof field.default === 'string' ? field.default : undefined }),
        hint,
      );
  }
}

function readValue(input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, field: JsonSchema): unknown {
  if (input instanceof HTMLInputElement && input.type === 'checkbox') return input.checked;
  const raw = input.value.trim();
  if (raw === '') return undefined;
  switch (kind(field)) {
    case 'list':
      return raw.split('\n').map((line) => line.trim()).filter(Boolean);
    case 'integer':
    case 'number':
      return Number(raw);
    default:
      return raw;
  }
}
