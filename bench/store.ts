/**
 * `npm run bench:store`: the DatasetStore's record writes timed in workerd (its own `wrangler
 * dev` of bench/store-probe on port 8795), schema and batch variant by variant, each on a fresh
 * object of the same server. Rows are encoded as the parse encodes a generated review CSV
 * (bench/generate.ts: ids `{tag}-{line}`, 90 distinct dates) or with dates random to the
 * millisecond. Prints, per variant and per slice of the dataset as it grows: µs a record of
 * wall time, of time inside `appendRows` (workerd's clock), and of workerd CPU.
 *
 *   npm run bench:store -- [--records 600000] [--slices 3] [--variants current,noindex,...]
 */
import { parseArgs } from 'node:util';
import { random } from './generate.ts';
import { startDevServer } from './dev-server.ts';
import { workerdCpuSeconds } from './stats.ts';

interface Variant {
  /** SQL run on the fresh object before the first write. */
  setup: string[];
  batch: number;
  sorted: boolean;
  dates: 'bench' | 'random';
  op: 'append' | 'blob' | 'receive';
}

const base: Variant = { setup: [], batch: 2000, sorted: false, dates: 'bench', op: 'append' };
const VARIANTS: Record<string, Variant> = {
  current: base,
  floor: { ...base, op: 'receive' },
  tiny: { ...base, batch: 10 },
  blob: { ...base, op: 'blob' },
  noindex: { ...base, setup: ['DROP INDEX record_rows_by_time'] },
  sorted: { ...base, sorted: true },
  b10k: { ...base, batch: 10_000 },
  b5k: { ...base, batch: 5000 },
  b20k: { ...base, batch: 20_000 },
  'noindex-b20k': { ...base, batch: 20_000, setup: ['DROP INDEX record_rows_by_time'] },
  intkey: { ...base, setup: ['DROP INDEX record_rows_by_time', 'CREATE INDEX record_rows_by_time ON record_rows (created_ms, k)'] },
  random: { ...base, dates: 'random' },
  'random-noindex': { ...base, dates: 'random', setup: ['DROP INDEX record_rows_by_time'] },
  'random-sorted': { ...base, dates: 'random', sorted: true },
  'random-b20k': { ...base, dates: 'random', batch: 20_000 },
  'random-intkey': {
    ...base,
    dates: 'random',
    setup: ['DROP INDEX record_rows_by_time', 'CREATE INDEX record_rows_by_time ON record_rows (created_ms, k)'],
  },
};

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '600000' },
    variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    slices: { type: 'string', default: '3' },
    port: { type: 'string', default: '8795' },
  },
});
const RECORDS = Number(args.records);
const SLICES = Number(args.slices);

const WORDS = 'great terrible product quality love hate fast slow shipping box screen battery would buy again never'.split(' ');
const TAG = '0123456789abcdef';
const YEAR_MS = 365 * 86_400_000;
const START_MS = Date.parse('2025-01-01T00:00:00Z');

/** Lines `first`..`first + n - 1` as the parse would send them (RowTuple JSON). */
function rows(first: number, n: number, dates: Variant['dates'], sorted: boolean, rand: () => number): { json: string; count: number; first: number; last: number } {
  const tuples: { created: number; id: string; json: string }[] = [];
  for (let line = first; line < first + n; line++) {
    const text = Array.from({ length: 8 + Math.floor(rand() * 30) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
    const date = `2025-0${1 + (line % 9)}-1${line % 10}T12:00:00Z`;
    const created = dates === 'bench' ? Date.parse(date) : START_MS + Math.floor(rand() * YEAR_MS);
    const id = `${TAG}-${line}`;
    tuples.push({ created, id, json: JSON.stringify([line, id, created, null, null, null, text, { id: String(line), date, rating: String(1 + (line % 5)) }]) });
  }
  if (sorted) tuples.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { json: `[${tuples.map((t) => t.json).join(',')}]`, count: n, first, last: first + n - 1 };
}

async function call(url: string, body = ''): Promise<{ rpcMs: number; answer: unknown }> {
  const res = await fetch(url, { method: 'POST', body });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { rpcMs: number; answer: unknown };
}

const server = await startDevServer(Number(args.port), {}, { config: 'bench/store-probe/wrangler.toml', readyPath: '/size' });
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
try {
  const probe = `p${Date.now()}`;
  await call(`${server.url}/attach?do=${probe}`);
  const pragmas: Record<string, unknown> = {};
  for (const q of ['PRAGMA cache_size', 'PRAGMA cache_size = -65536', 'PRAGMA page_size', 'PRAGMA journal_mode', 'PRAGMA synchronous', 'PRAGMA cache_spill = 0', 'PRAGMA temp_store = memory', 'PRAGMA mmap_size', 'PRAGMA page_count'])
    pragmas[q] = (await call(`${server.url}/exec?do=${probe}`, q)).answer;
  console.log(JSON.stringify({ pragmas }, null, 1));

  for (const name of args.variants.split(',')) {
    const v = VARIANTS[name];
    if (!v) throw new Error(`no variant ${name}`);
    const object = `${name}-${Date.now()}`;
    await call(`${server.url}/attach?do=${object}`);
    for (const q of v.setup) {
      const r = await call(`${server.url}/exec?do=${object}`, q);
      if (!(r.answer as { ok: boolean }).ok) console.log(name, q, JSON.stringify(r.answer));
    }
    const rand = random(42);
    const perSlice = RECORDS / SLICES;
    const slices: Record<string, number>[] = [];
    let line = 1;
    for (let s = 0; s < SLICES; s++) {
      let wall = 0;
      let inside = 0;
      let rpc = 0;
      let cpu = 0;
      let n = 0;
      let longest = 0;
      while (n < perSlice) {
        const count = Math.min(v.batch, perSlice - n);
        const b = rows(line, count, v.dates, v.sorted, rand);
        const cpu0 = workerdCpuSeconds(server.group);
        const t0 = performance.now();
        const r = await call(`${server.url}/${v.op}?do=${object}&count=${b.count}&first=${b.first}&last=${b.last}`, b.json);
        wall += performance.now() - t0;
        longest = Math.max(longest, r.rpcMs);
        cpu += workerdCpuSeconds(server.group) - cpu0;
        rpc += r.rpcMs;
        inside += (r.answer as { ms: number }).ms;
        n += count;
        line += count;
      }
      slices.push({ upTo: line - 1, wallUs: round((wall * 1000) / n), rpcUs: round((rpc * 1000) / n), insideUs: round((inside * 1000) / n), cpuUs: round((cpu * 1e6) / n), longestRpcMs: longest });
    }
    const size = (await call(`${server.url}/size?do=${object}`)).answer as number;
    console.log(JSON.stringify({ variant: name, batch: v.batch, dates: v.dates, sorted: v.sorted, setup: v.setup, dbMiB: round(size / 2 ** 20), slices }));
  }
} finally {
  await server.stop();
}
