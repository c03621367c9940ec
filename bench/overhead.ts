/**
 * `npm run bench:overhead`: what one job costs above the platform it runs on, in one run.
 *
 * 1. The floor, from a bench-only worker (bench/floor/): a Hono route with no I/O, one DO RPC that
 *    reads a row, one that writes one (the reply waits for the commit), one that also moves the
 *    alarm, one R2 put + get, one queue send → consume round trip.
 * 2. The product under `wrangler dev` (3 slots, admission limits raised): create and status GET
 *    latency beside its own cheapest authenticated one-RPC route (`GET /schedules`, same
 *    middleware as every route), also with the queue paused (the create path with no job running
 *    beside it), sustained creates at concurrency 16 (running and paused), a drain of 300 × 100 texts,
 *    end to end 100 / 1,000 / 10,000 texts beside masking + analysing those texts in this process,
 *    the step-by-step cost of a job's life, and the peak RSS of the whole `wrangler dev` tree.
 * 3. A tenant keeping 0, 10,000 and 100,000 jobs (20 slots): stats and list pages, creation rate,
 *    and how fast one-text jobs drain. Kept jobs are bulk-created paused and cancelled (so a level
 *    does not wait for them to run); each level has a time budget, and one not reached is reported.
 *
 * Loopback only, ports 8721 and 8723 (OVERHEAD_FLOOR_PORT, OVERHEAD_PRODUCT_PORT); every phase is
 * bounded and the run stops by itself. OVERHEAD_LEVEL_BUDGET_S bounds each retained level (240 s);
 * OVERHEAD_SKIP_RETAINED=1 stops after the product section, OVERHEAD_ONLY_RETAINED=1 runs only section 3,
 * OVERHEAD_ONLY_TRACE=1 only the thread-time phase (2b).
 */
import { readFileSync } from 'node:fs';
import { analyzeSentiment } from '../src/analysis/sentiment.ts';
import { maskPii } from '../src/pii/detectors.ts';
import { startDevServer, type DevServer } from './dev-server.ts';
import { groupRss, ms, percentile, sampler } from './stats.ts';
import { OWN_WORKER, threadTrace } from './thread-trace.ts';

const FLOOR_PORT = Number(process.env.OVERHEAD_FLOOR_PORT ?? 8721);
const PRODUCT_PORT = Number(process.env.OVERHEAD_PRODUCT_PORT ?? 8723);
const RAISED = { MAX_JOBS_PER_MINUTE: '100000000', MAX_JOBS_PER_HOUR: '1000000000', MAX_QUEUE_SIZE: '10000000' };
const LEVELS = [0, 10_000, 100_000];
const LEVEL_BUDGET_MS = Number(process.env.OVERHEAD_LEVEL_BUDGET_S ?? 240) * 1000;

/** The UCI labelled sentences shipped in sentiment@5.0.2's test fixtures: the peer bench's corpus. */
const CORPUS: string[] = ['amazon', 'imdb', 'yelp'].flatMap((name) =>
  (JSON.parse(readFileSync(new URL(`../node_modules/sentiment/test/fixtures/${name}.json`, import.meta.url), 'utf8')) as { text: string }[]).map(
    (row) => row.text,
  ),
).filter((text) => text.trim().length > 0);
let cursor = 0;
/** `n` texts, cycling through the corpus so consecutive jobs get different texts. */
function texts(n: number): string[] {
  const out = Array.from({ length: n }, (_, i) => CORPUS[(cursor + i) % CORPUS.length] ?? 'ok');
  cursor += n;
  return out;
}

interface Answer {
  status: number;
  data: Record<string, unknown>;
}

function client(server: DevServer) {
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await res.json()) as { data?: Record<string, unknown> };
    return { status: res.status, data: json.data ?? {} };
  };
  const timed = async (method: string, path: string, body?: unknown): Promise<Answer & { ms: number }> => {
    const t0 = performance.now();
    const answer = await call(method, path, body);
    return { ...answer, ms: performance.now() - t0 };
  };
  return {
    get: (path: string) => timed('GET', path),
    post: (path: string, body: unknown) => timed('POST', path, body),
    async create(n: number): Promise<{ id: string; ms: number }> {
      const res = await timed('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: texts(n) } });
      if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.data)}`);
      return { id: String(res.data.jobId), ms: res.ms };
    },
    /** The finished job; a wait refused for MAX_WAITERS (429, a drain's 300 at once) is retried shortly. */
    async wait(id: string): Promise<Record<string, unknown>> {
      const deadline = performance.now() + 120_000;
      while (performance.now() < deadline) {
        const res = await call('POST', `/api/v1/jobs/${id}/wait`, { timeout: 60_000 });
        if (res.status === 200) return res.data;
        if (res.status === 429) await new Promise((r) => setTimeout(r, 50));
        else if (res.status !== 408) throw new Error(`wait answered ${res.status}`);
      }
      throw new Error(`job ${id} did not finish`);
    },
    /** Until nothing is pending or running, polled every 50 ms; false at the deadline. */
    async idle(deadlineMs: number): Promise<boolean> {
      while (performance.now() < deadlineMs) {
        const stats = (await call('GET', '/api/v1/jobs/stats/summary')).data;
        if (Number(stats.pending) + Number(stats.running) === 0) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
  };
}
type Client = ReturnType<typeof client>;

const p50 = (xs: number[]): number => percentile(xs, 50);
const at = (iso: unknown): number => Date.parse(String(iso));
const row = (label: string, value: string, note = ''): void => console.log(`${label.padEnd(58)} ${value.padStart(14)}  ${note}`);

/** Runs `count` calls of `task` from `concurrency` workers; returns the wall time in ms. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - t0;
}

// ---- 1. the platform floor -----------------------------------------------------------------

interface Floor {
  ping: number;
  read: number;
  rpc: number;
  alarm: number;
  r2: number;
  queue: number;
  rpcPerSecond: number;
}

async function measureFloor(): Promise<Floor> {
  const server = await startDevServer(FLOOR_PORT, {}, { config: 'bench/floor/wrangler.toml', readyPath: '/ping' });
  try {
    const hit = async (path: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}${path}`);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`floor ${path} answered ${res.status}`);
      return performance.now() - t0;
    };
    const series = async (path: string, n: number): Promise<number[]> => {
      for (let i = 0; i < 20; i++) await hit(path);
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(await hit(path));
      return out;
    };
    // The three RPC floors round-robin, so their differences are the cost of a write and of an alarm move, not of the moment.
    const rpcs: Record<string, number[]> = { '/rpc-read': [], '/rpc': [], '/rpc-alarm': [] };
    for (let i = 0; i < 20; i++) for (const path of Object.keys(rpcs)) await hit(path);
    for (let i = 0; i < 300; i++) for (const [path, xs] of Object.entries(rpcs)) xs.push(await hit(path));
    const [read, rpc, alarm] = Object.values(rpcs) as [number[], number[], number[]];
    const [ping, r2, queue] = [await series('/ping', 300), await series('/r2', 200), await series('/queue', 100)];
    const wall = await pool(2_000, 16, async () => void (await hit('/rpc')));
    const floor = { ping: p50(ping), read: p50(read), rpc: p50(rpc), alarm: p50(alarm), r2: p50(r2), queue: p50(queue), rpcPerSecond: 2_000 / (wall / 1000) };
    console.log('\n== platform floor (bench/floor worker, wrangler dev) ==');
    row('route with no I/O p50', ms(floor.ping), `p99 ${ms(percentile(ping, 99))}`);
    row('route with one DO RPC reading one row p50', ms(floor.read), `p99 ${ms(percentile(read, 99))}`);
    row('route with one DO RPC writing one row (write floor) p50', ms(floor.rpc), `≈ ${ms(floor.rpc - floor.read)} above the read: the reply waits for the commit`);
    row('  the same write plus setAlarm p50', ms(floor.alarm), `≈ ${ms(floor.alarm - floor.rpc)} above the write alone`);
    row('  that route at concurrency 16', `${floor.rpcPerSecond.toFixed(0)} req/s`, '2,000 requests');
    row('route with one R2 put + get (400 B) p50', ms(floor.r2), `≈ ${ms(floor.r2 - floor.ping)} above no I/O`);
    row('route with one queue send → consume round trip p50', ms(floor.queue), `≈ ${ms(floor.queue - floor.rpc)} above one RPC`);
    return floor;
  } finally {
    await server.stop();
  }
}

// ---- 2. the product ------------------------------------------------------------------------

interface Steps {
  claimMs: number[];
  inputMs: number[];
  runMs: number[];
  completeMs: number[];
}

function stepCollector(): { steps: Steps; onOutput: (chunk: string) => void; reset(): void } {
  const steps: Steps = { claimMs: [], inputMs: [], runMs: [], completeMs: [] };
  let partial = '';
  return {
    steps,
    reset: () => Object.values(steps).forEach((xs: number[]) => (xs.length = 0)),
    onOutput(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const start = line.indexOf('{"level"');
        if (start < 0 || !line.includes('"job_finished"')) continue;
        try {
          const fields = JSON.parse(line.slice(start)) as Record<string, unknown>;
          for (const key of Object.keys(steps) as (keyof Steps)[]) if (typeof fields[key] === 'number') steps[key].push(fields[key]);
        } catch {
          // a line cut by the terminal: skipped
        }
      }
    },
  };
}

/**
 * Create latency with the queue paused: nothing runs beside the creates, so this is the create path
 * alone. Under `wrangler dev` the API, the consumer and the coordinator share one isolate and one
 * SQLite commit stream, so with jobs running each create also waits for its predecessors' work.
 */
async function pausedLatency(api: Client): Promise<{ create: number; floorRoute: number }> {
  await api.post('/api/v1/queue/pause', {});
  const create: number[] = [];
  const floorRoute: number[] = [];
  for (let i = 0; i < 150; i++) {
    create.push((await api.create(10)).ms);
    floorRoute.push((await api.get('/api/v1/schedules')).ms);
  }
  await api.post('/api/v1/queue/resume', {});
  await api.idle(performance.now() + 60_000);
  const out = { create: p50(create), floorRoute: p50(floorRoute) };
  row('create p50, queue paused (nothing runs beside it)', ms(out.create), `${(out.create / out.floorRoute).toFixed(2)}× its floor route (${ms(out.floorRoute)}), n=150, interleaved`);
  return out;
}

async function latency(api: Client): Promise<{ create: number; status: number; floorRoute: number }> {
  const create: number[] = [];
  const floorRoute: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const created = await api.create(10);
    create.push(created.ms);
    ids.push(created.id);
    floorRoute.push((await api.get('/api/v1/schedules')).ms);
  }
  await api.idle(performance.now() + 60_000);
  const status: number[] = [];
  for (let i = 0; i < 300; i++) {
    const res = await api.get(`/api/v1/jobs/${ids[i % ids.length]}`);
    if (res.status !== 200) throw new Error(`status answered ${res.status}`);
    status.push(res.ms);
    floorRoute.push((await api.get('/api/v1/schedules')).ms);
  }
  row('floor route GET /schedules (auth + one DO RPC) p50', ms(p50(floorRoute)), `p99 ${ms(percentile(floorRoute, 99))}, n=${floorRoute.length}, interleaved`);
  row('create p50 / p99 (10 texts, sequential)', ms(p50(create)), `p99 ${ms(percentile(create, 99))}, n=200`);
  row('status GET p50 / p99 (completed, 10 results inline)', ms(p50(status)), `p99 ${ms(percentile(status, 99))}, n=300`);
  return { create: p50(create), status: p50(status), floorRoute: p50(floorRoute) };
}

/** 2,000 creates of 10 texts from 16 clients; paused, nothing runs beside them until they are all in. */
async function sustained(api: Client, paused: boolean): Promise<number> {
  if (paused) await api.post('/api/v1/queue/pause', {});
  let accepted = 0;
  const wall = await pool(2_000, 16, async () => {
    const res = await api.post('/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: texts(10) } });
    if (res.status === 201) accepted += 1;
  });
  const perSecond = accepted / (wall / 1000);
  if (paused) await api.post('/api/v1/queue/resume', {});
  const t0 = performance.now();
  const idle = await api.idle(t0 + 120_000);
  const label = paused ? 'sustained creates, queue paused (the create path alone)' : 'sustained creates (2,000 × 10 texts, concurrency 16)';
  row(label, `${perSecond.toFixed(0)} jobs/s`, `${accepted} accepted; backlog idle after ${ms(performance.now() - t0)}${idle ? '' : ' (NOT idle)'}`);
  return perSecond;
}

async function drain(api: Client): Promise<{ ms: number; gaps: number[] }> {
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: 300 }, async () => (await api.create(100)).id));
  const submitted = performance.now() - t0;
  const jobs = await Promise.all(ids.map((id) => api.wait(id)));
  const elapsed = performance.now() - t0;
  const done = jobs.filter((j) => j.status === 'completed').length;
  row('drain 300 × 100 texts (posted at once, 3 slots)', ms(elapsed), `${done}/300 completed; all posted after ${ms(submitted)}`);
  // A freed slot to the next job's start: each job that started after a completion, against the latest completion before it.
  const completions = jobs.map((j) => at(j.completedAt)).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (const job of jobs) {
    const started = at(job.startedAt);
    const freed = completions.filter((c) => c <= started).pop();
    if (freed !== undefined && at(job.createdAt) < freed) gaps.push(started - freed);
  }
  return { ms: elapsed, gaps };
}

function inProcess(sample: string[]): number {
  const t0 = performance.now();
  for (const text of sample) analyzeSentiment(maskPii(text).text);
  return performance.now() - t0;
}

async function endToEnd(api: Client): Promise<Record<number, { e2e: number; work: number }>> {
  for (const text of texts(500)) analyzeSentiment(maskPii(text).text); // warm this process's code paths
  const out: Record<number, { e2e: number; work: number }> = {};
  for (const n of [100, 1_000, 10_000]) {
    const runs: number[] = [];
    const work: number[] = [];
    for (let i = 0; i < 3; i++) {
      const sample = texts(n);
      const t0 = performance.now();
      const res = await api.post('/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: sample } });
      const job = await api.wait(String(res.data.jobId));
      runs.push(performance.now() - t0);
      if (job.status !== 'completed') throw new Error(`job ended ${String(job.status)}`);
      work.push(inProcess(sample));
    }
    out[n] = { e2e: p50(runs), work: p50(work) };
    row(`end to end ${n.toLocaleString('en')} texts (create → wait answered)`, ms(p50(runs)), `median of 3; mask + analyse alone ${ms(p50(work))} → +${ms(p50(runs) - p50(work))}`);
  }
  return out;
}

async function pickup(api: Client): Promise<number[]> {
  const gaps: number[] = [];
  for (let i = 0; i < 30; i++) {
    const { id } = await api.create(10);
    const job = await api.wait(id);
    gaps.push(at(job.startedAt) - at(job.createdAt));
  }
  return gaps;
}

async function product(floor: Floor): Promise<void> {
  const collector = stepCollector();
  const server = await startDevServer(PRODUCT_PORT, RAISED, { onOutput: collector.onOutput });
  const rss = sampler(() => groupRss(server.group));
  try {
    const api = client(server);
    console.log('\n== product (wrangler dev, 3 slots, limits raised) ==');
    for (let i = 0; i < 20; i++) await api.wait((await api.create(10)).id);
    const lat = await latency(api);
    row('  create / floor route', `${(lat.create / lat.floorRoute).toFixed(2)}×`, `target ≤ 1.5×; create − bare write floor ${ms(lat.create - floor.rpc)}`);
    row('  status GET / floor route', `${(lat.status / lat.floorRoute).toFixed(2)}×`, `target ≤ 1.2×; status − bare read floor ${ms(lat.status - floor.read)}`);
    await sustained(api, false);
    collector.reset();
    const pick = await pickup(api);
    const steps = { ...collector.steps };
    const drained = await drain(api);
    await endToEnd(api);
    console.log('\n-- one job of 10 texts, step by step (p50 of 30, idle queue; consumer log + job timestamps) --');
    row('create (POST answered)', ms(lat.create));
    row('dispatch + queue transit + claim RPC (createdAt → startedAt)', ms(p50(pick)), `ms resolution; claim RPC alone ${ms(p50(steps.claimMs))}`);
    row('input read (inline from the claim, or an R2 get) + parse', ms(p50(steps.inputMs)));
    row('run (mask + analyse; result parts to R2 only when big)', ms(p50(steps.runMs)));
    row('complete RPC', ms(p50(steps.completeMs)));
    row('next dispatch (slot freed → next job started, drain)', ms(p50(drained.gaps)), `p90 ${ms(percentile(drained.gaps, 90))}, n=${drained.gaps.length}`);
    // The workload ends here: its peak RSS is read before the extra phases below add their jobs.
    row('peak RSS of the wrangler dev process tree', `${(rss.stop() / 2 ** 20).toFixed(0)} MiB`, 'wrangler + workerd, sampled every 50 ms');
    console.log('\n-- the create path alone: the queue paused, nothing runs beside the creates --');
    await pausedLatency(api);
    await sustained(api, true);
  } finally {
    rss.stop();
    await server.stop();
  }
}

// ---- 3. a tenant that keeps its jobs -------------------------------------------------------

/** `count` one-text jobs created paused, 100 per bulk call, from 4 clients; the rate they were admitted at. */
async function bulkCreate(api: Client, count: number, deadline: number): Promise<{ made: number; perSecond: number }> {
  let made = 0;
  const refused: string[] = [];
  const t0 = performance.now();
  await pool(Math.ceil(count / 100), 4, async () => {
    if (performance.now() > deadline) return;
    const jobs = Array.from({ length: 100 }, () => ({ type: 'sentiment_analysis_batch', data: { texts: texts(1) } }));
    const res = await api.post('/api/v1/jobs/bulk', { jobs });
    made += Number(res.data.created ?? 0);
    if (res.status !== 207 || Number(res.data.failed ?? 0) > 0) refused.push(`${res.status}: ${JSON.stringify(res.data).slice(0, 300)}`);
  });
  if (refused.length > 0) console.log(`  ${refused.length} bulk calls refused something, first: ${refused[0]}`);
  return { made, perSecond: made / ((performance.now() - t0) / 1000) };
}

async function retained(): Promise<void> {
  const server = await startDevServer(PRODUCT_PORT, { ...RAISED, MAX_CONCURRENT_JOBS: '20' });
  try {
    const api = client(server);
    console.log('\n== retained jobs in one tenant (20 slots; one-text jobs) ==');
    console.log(
      `${'kept'.padStart(8)} ${'floor'.padStart(8)} ${'stats'.padStart(9)} ${'list p1'.padStart(9)} ${'list p1000'.padStart(11)} ${'done p1'.padStart(9)} ${'filt p50'.padStart(9)} ${'filt p1000'.padStart(11)} ${'fill/s'.padStart(8)} ${'create/s'.padStart(9)} ${'drain/s'.padStart(8)}`,
    );
    let kept = 0;
    for (const level of LEVELS) {
      const deadline = performance.now() + LEVEL_BUDGET_MS;
      let fillRate = Number.NaN;
      if (level > kept) {
        // Kept jobs are made without running them: created paused, then cancelled in one call.
        await api.post('/api/v1/queue/pause', {});
        const filled = await bulkCreate(api, level - kept, deadline);
        await api.post('/api/v1/jobs/cancel', { status: 'pending' });
        await api.post('/api/v1/queue/resume', {});
        kept += filled.made;
        fillRate = filled.perSecond;
        if (kept < level) {
          console.log(`${String(kept).padStart(8)}  level ${level.toLocaleString('en')} not reached within the budget (${LEVEL_BUDGET_MS / 1000} s); fill ${fillRate.toFixed(0)} jobs/s`);
          return;
        }
      }
      // Round-robin, so every read sees the same (shared, noisy) machine.
      const paths = [
        '/api/v1/schedules',
        '/api/v1/jobs/stats/summary',
        '/api/v1/jobs?limit=50',
        '/api/v1/jobs?limit=50&page=1000',
        '/api/v1/jobs?status=completed&limit=50',
        '/api/v1/jobs?status=completed&type=sentiment_analysis_batch&limit=50&page=50',
        '/api/v1/jobs?status=cancelled&type=sentiment_analysis_batch&limit=50&page=1000',
      ];
      const samples = paths.map((): number[] => []);
      for (let round = 0; round < 30; round++) {
        for (const [i, path] of paths.entries()) samples[i]?.push((await api.get(path)).ms);
      }
      const [floor, stats, first, deep, done, filtered, filteredDeep] = samples.map((xs) => p50(xs)) as [number, number, number, number, number, number, number];
      // Creation at this size (the jobs run meanwhile)...
      let created = 0;
      const wall = await pool(1_000, 16, async () => {
        const res = await api.post('/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: texts(1) } });
        if (res.status === 201) created += 1;
      });
      await api.idle(performance.now() + 120_000);
      // ...then a drain: 1,000 one-text jobs queued while paused, timed from resume to idle.
      await api.post('/api/v1/queue/pause', {});
      const queued = await bulkCreate(api, 1_000, performance.now() + 120_000);
      const t0 = performance.now();
      await api.post('/api/v1/queue/resume', {});
      const idle = await api.idle(t0 + 120_000);
      const drainRate = queued.made / ((performance.now() - t0) / 1000);
      kept += created + queued.made;
      console.log(
        `${String(level).padStart(8)} ${ms(floor).padStart(8)} ${ms(stats).padStart(9)} ${ms(first).padStart(9)} ${ms(deep).padStart(11)} ${ms(done).padStart(9)} ${ms(filtered).padStart(9)} ${ms(filteredDeep).padStart(11)} ${(Number.isNaN(fillRate) ? '-' : fillRate.toFixed(0)).padStart(8)} ${(created / (wall / 1000)).toFixed(0).padStart(9)} ${drainRate.toFixed(0).padStart(8)}${idle ? '' : ' (not idle)'}`,
      );
    }
    console.log('  floor = GET /schedules (same middleware, one RPC, no job rows); stats = GET /jobs/stats/summary; list p1 / p1000 =');
    console.log('  unfiltered first / deep page; done p1 = status=completed page 1; filt p50 = status=completed&type=… page 50;');
    console.log('  filt p1000 = status=cancelled&type=… page 1000 (p50 of 30 each, round-robin); fill/s = bulk creation (paused) to reach');
    console.log('  the level, then cancelled in one call; create/s = 1,000 POST /jobs at concurrency 16 while jobs run;');
    console.log('  drain/s = 1,000 one-text jobs queued while paused, resume → idle.');
  } finally {
    await server.stop();
  }
}

// ---- 2b. where the thread goes ------------------------------------------------------------

const TRACED_JOBS = 100;

/**
 * A job's cost in thread time, per worker, from workerd's async trace (bench/thread-trace.ts), on a
 * server of its own (tracing slows every turn a little, so no other figure is taken there): jobs of
 * 10 texts created one after another, as the sustained and create figures do, then the last
 * waited on. Under `wrangler dev` one thread runs every isolate of the runtime, so its time per
 * job bounds the sustained rate: 1000 / ms per job jobs/s, whatever the route's latency.
 */
async function threadTime(): Promise<void> {
  const trace = threadTrace();
  const server = await startDevServer(PRODUCT_PORT + 2, RAISED, { env: trace.env });
  let window: [number, number] = [0, 0];
  try {
    const api = client(server);
    for (let i = 0; i < 20; i++) await api.wait((await api.create(10)).id);
    const from = Date.now();
    let last = '';
    for (let i = 0; i < TRACED_JOBS; i++) last = (await api.create(10)).id;
    await api.wait(last);
    window = [from, Date.now()];
  } finally {
    await server.stop();
  }
  console.log(`\n-- thread time per job (workerd async trace; ${TRACED_JOBS} creates of 10 texts one after another, the last waited on) --`);
  const processes = trace.read(...window);
  trace.close();
  for (const process of processes.sort((a, b) => Number(b.role === 'runtime') - Number(a.role === 'runtime'))) {
    const perJob = [...process.workers].map(([name, w]) => ({ name, ms: w.ms / TRACED_JOBS, contexts: w.contexts / TRACED_JOBS })).sort((a, b) => b.ms - a.ms);
    const total = perJob.reduce((sum, w) => sum + w.ms, 0);
    console.log(process.role === 'runtime' ? 'runtime workerd (entry, assets routing, the Worker, its Durable Objects, the queue broker):' : "wrangler's proxy workerd (the public port):");
    for (const w of perJob) if (w.ms >= 0.01) row(`  ${w.name}`, ms(w.ms), `${w.contexts.toFixed(2)} contexts per job`);
    if (process.role === 'runtime') {
      const own = perJob.filter((w) => w.name.startsWith(OWN_WORKER)).reduce((sum, w) => sum + w.ms, 0);
      row('  ours (the Worker and its Durable Objects)', ms(own));
      row('  the local platform (the rest)', ms(total - own));
    }
    row('  total per job', ms(total), `one thread: at most ${Math.round(1000 / total)} jobs/s`);
  }
}

async function main(): Promise<void> {
  const timer = setTimeout(() => {
    console.error('bench:overhead: time limit reached');
    process.exit(2);
  }, 30 * 60_000);
  console.log(`bench:overhead ${new Date().toISOString()} (machine shared: figures vary run to run)`);
  if (process.env.OVERHEAD_ONLY_TRACE === '1') return void (await threadTime(), clearTimeout(timer));
  if (process.env.OVERHEAD_ONLY_RETAINED !== '1') {
    await product(await measureFloor());
    await threadTime();
  }
  if (process.env.OVERHEAD_SKIP_RETAINED !== '1') await retained();
  clearTimeout(timer);
}

await main();
