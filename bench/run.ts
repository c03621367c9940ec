/**
 * `npm run bench`: starts its own `wrangler dev` (port 8799, fresh state, limits raised) and
 * prints latency, throughput and end-to-end figures for the job queue, then the handler's
 * in-process speed and the analysis quality on the evaluation data. Bounded in count and time;
 * loopback only.
 */
import { execFileSync } from 'node:child_process';
import { analyzeSentiment } from '../src/analysis/sentiment.ts';
import { maskPii } from '../src/pii/detectors.ts';
import { startDevServer, type DevServer } from './dev-server.ts';
import { ms, percentile } from './stats.ts';

const SAMPLE_TEXTS = [
  'I love this product, it works perfectly!',
  'Terrible support. Email me at jane.doe@example.com or call +1 415-555-0132.',
  'The delivery was on time and the packaging was fine.',
  'Worst purchase ever, card 4111 1111 1111 1111 was charged twice.',
  'Average experience, nothing special.',
];
const texts = (n: number): string[] => Array.from({ length: n }, (_, i) => `${SAMPLE_TEXTS[i % SAMPLE_TEXTS.length]} (#${i})`);

interface Api {
  post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; json: Record<string, unknown> }>;
}

function client(server: DevServer): Api {
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  return { post: (p, b) => call('POST', p, b), get: (p) => call('GET', p) };
}

const data = (r: { json: Record<string, unknown> }) => r.json.data as Record<string, unknown>;

async function createJob(api: Api, n: number): Promise<string> {
  const res = await api.post('/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: texts(n) } });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.json)}`);
  return String(data(res).jobId);
}

async function waitJob(api: Api, id: string): Promise<Record<string, unknown>> {
  const res = await api.post(`/api/v1/jobs/${id}/wait`, { timeout: 300_000 });
  if (res.status !== 200) throw new Error(`wait answered ${res.status}`);
  return data(res);
}

async function latency(api: Api): Promise<void> {
  const create: number[] = [];
  const status: number[] = [];
  let last = '';
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    last = await createJob(api, 1);
    create.push(performance.now() - t0);
    const t1 = performance.now();
    await api.get(`/api/v1/jobs/${last}`);
    status.push(performance.now() - t1);
  }
  console.log(`create latency   p50 ${ms(percentile(create, 50))}  p99 ${ms(percentile(create, 99))}  (n=300, sequential)`);
  console.log(`status latency   p50 ${ms(percentile(status, 50))}  p99 ${ms(percentile(status, 99))}  (n=300, sequential)`);
}

async function sustained(api: Api, seconds: number, concurrency: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  let created = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const res = await api.post('/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['ok'] } });
        if (res.status === 201) created++;
        else refused++;
      }
    }),
  );
  console.log(`sustained create ${(created / seconds).toFixed(0)} jobs/s  (${seconds} s, concurrency ${concurrency}, ${refused} refused)`);
}

async function drain(api: Api): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const stats = data(await api.get('/api/v1/jobs/stats/summary'));
    if (Number(stats.pending) + Number(stats.running) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('queue did not drain');
}

/**
 * A freed slot to the next job's start (claimed by the consumer), on a server with one slot so
 * the consumer is idle when the slot frees: A holds the slot, B waits behind it, and the gap is
 * B.startedAt − A.completedAt. Rounds where B did not have to wait are not counted.
 */
async function pickup(api: Api): Promise<void> {
  const gaps: number[] = [];
  for (let round = 0; round < 40 && gaps.length < 20; round++) {
    const [a, b] = await Promise.all([createJob(api, 50), createJob(api, 1)]);
    const [first, second] = await Promise.all([waitJob(api, a), waitJob(api, b)]);
    const freed = Date.parse(String(first.completedAt));
    if (Date.parse(String(second.createdAt)) < freed) gaps.push(Date.parse(String(second.startedAt)) - freed);
  }
  console.log(`slot-free → running pickup  p50 ${ms(percentile(gaps, 50))}  max ${ms(Math.max(...gaps))}  (n=${gaps.length}, one slot)`);
}

async function endToEnd(api: Api): Promise<void> {
  for (const n of [100, 1_000, 10_000]) {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const id = await createJob(api, n);
      const job = await waitJob(api, id);
      runs.push(performance.now() - t0);
      if (job.status !== 'completed') throw new Error(`job ended ${String(job.status)}`);
    }
    console.log(`end-to-end ${String(n).padStart(6)} texts (masking on)  best ${ms(Math.min(...runs))}  median ${ms(percentile(runs, 50))}  (create → wait answered, n=3)`);
  }
}

function handlerSpeed(): void {
  const sample = texts(5_000);
  for (const text of sample.slice(0, 200)) analyzeSentiment(maskPii(text).text);
  const t0 = performance.now();
  for (const text of sample) analyzeSentiment(maskPii(text).text);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`handler in-process  ${(sample.length / seconds).toFixed(0)} texts/s  (mask + analyse, one core, Node)`);
}

async function main(): Promise<void> {
  const timer = setTimeout(() => {
    console.error('bench: time limit reached');
    process.exit(2);
  }, 15 * 60_000);
  const raised = { MAX_JOBS_PER_MINUTE: '1000000', MAX_JOBS_PER_HOUR: '10000000', MAX_QUEUE_SIZE: '1000000' };
  const server = await startDevServer(8799, raised);
  try {
    const api = client(server);
    await createJob(api, 10).then((id) => waitJob(api, id)); // warm the isolate and the model
    await latency(api);
    await drain(api);
    await sustained(api, 5, 10);
    await drain(api);
    await endToEnd(api);
  } finally {
    await server.stop();
  }
  const oneSlot = await startDevServer(8799, { ...raised, MAX_CONCURRENT_JOBS: '1' });
  try {
    await pickup(client(oneSlot));
  } finally {
    await oneSlot.stop();
  }
  handlerSpeed();
  for (const script of ['bench/export-e2e.ts', 'scripts/eval-sentiment.ts', 'scripts/eval-pii.ts']) {
    console.log(`\n$ node ${script}`);
    console.log(execFileSync(process.execPath, ['--experimental-strip-types', '--no-warnings', script], { encoding: 'utf8' }));
  }
  clearTimeout(timer);
}

await main();
