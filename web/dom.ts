/** DOM helpers. Text always goes in as text nodes: job inputs and results are user content. */
export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string | boolean | number>> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing`);
  return element as T;
}

export function formatTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** "in 9 min", "3 s ago": for times people compare with now. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  const [value, unit] = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 172_800 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86_400), 'days'];
  return seconds >= 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

export const count = (n: number) => n.toLocaleString('en-US');

/** A definition list of the pairs whose value is present. */
export function facts(pairs: [string, Child | string | number | undefined][], className = 'fields'): HTMLDListElement {
  return h(
    'dl',
    { class: className },
    ...pairs.flatMap(([name, value]) => (value === undefined || value === '' || value === null || value === false ? [] : [h('div', {}, h('dt', {}, name), h('dd', {}, typeof value === 'number' ? count(value) : value))])),
  );
}

/** A table; on a phone each row becomes a card of labelled cells (styles.css), so nothing scrolls sideways. */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLDivElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((cells) => h('tr', {}, ...cells.map((c, i) => h('td', { 'data-label': headers[i] ?? '' }, c))))),
    ),
  );
}

export function badge(text: string, kind: string = text): HTMLSpanElement {
  return h('span', { class: `badge status-${kind}` }, text);
}

/** Saves a fetched body as a file: the download needs the Authorization header, so no plain link. */
export async function saveResponse(res: Response, fallbackName: string): Promise<string> {
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
