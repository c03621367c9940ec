import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDevServer, type DevServer } from '../bench/dev-server.ts';

const { url, key } = inject('server');
const work = mkdtempSync(join(tmpdir(), 'e2e-cli-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `jobs …` as a user runs it (npm puts this Node 22 first on PATH), with the variables set. */
function jobs(args: string[], options: { stdin?: string; env?: Record<string, string>; unconfigured?: boolean } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, JOBS_API_URL: url, JOBS_API_KEY: key, ...options.env };
  if (options.unconfigured) {
    delete env.JOBS_API_URL;
    delete env.JOBS_API_KEY;
  }
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--experimental-strip-types', '--no-warnings', 'bin/jobs.ts', ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

const json = <T = Record<string, unknown>>(run: Run) => JSON.parse(run.stdout) as T;

describe('the jobs CLI against wrangler dev', () => {
  it('submits texts from standard input, waits, shows status, lists and counts', async () => {
    const submitted = await jobs(['submit', '--priority', 'high', '--json'], { stdin: 'I love it\nI hate it\n\nIt is fine\n' });
    expect(submitted.code).toBe(0);
    const { jobId } = json<{ jobId: string }>(submitted);

    const waited = await jobs(['wait', jobId, '--timeout', '30', '--json']);
    expect(waited.code).toBe(0);
    expect(json(waited)).toMatchObject({ id: jobId, status: 'completed', progress: 100, priority: 'high' });
    expect(json<{ result: { results: unknown[] } }>(waited).result.results).toHaveLength(3);

    const status = await jobs(['status', jobId]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^Job\\s+${jobId}$`, 'm'));
    expect(status.stdout).toMatch(/^Type\s+sentiment_analysis_batch, high priority$/m);
    expect(status.stdout).toMatch(/^Status\s+completed\s+\[#{30}\] 100%$/m);
    expect(status.stdout).toMatch(/^Sentiment\s+\d+ positive, \d+ negative, \d+ neutral; average score -?[\d.]+$/m);
    expect(status.stdout).not.toContain('{');

    const list = await jobs(['list', '--status', 'completed', '--json']);
    expect(json<{ jobs: { id: string }[] }>(list).jobs.map((j) => j.id)).toContain(jobId);
    const stats = await jobs(['stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/completed \d+/);
  });

  it('submit --wait from a file; cancel; exit 1 for a cancelled job and for one not cancellable', async () => {
    const file = join(work, 'texts.txt');
    writeFileSync(file, Array.from({ length: 10_000 }, (_, i) => `Line ${i} is quite nice`).join('\n'));
    const { jobId } = json<{ jobId: string }>(await jobs(['submit', '--file', file, '--json']));
    const cancelled = await jobs(['cancel', jobId]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(/cancel/i);
    const waited = await jobs(['wait', jobId, '--timeout', '30']);
    expect(waited.code).toBe(1);
    expect(waited.stdout).toContain('cancelled');
    const again = await jobs(['cancel', jobId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('JOB_NOT_CANCELLABLE');

    const small = join(work, 'small.txt');
    writeFileSync(small, 'Great\n');
    const waitedSubmit = await jobs(['submit', '--file', small, '--wait']);
    expect(waitedSubmit.code).toBe(0);
    expect(waitedSubmit.stdout).toMatch(/completed\s+100%/);
  });

  it('uses the documented exit codes for usage, auth, not found, timeout and network errors', async () => {
    expect((await jobs([])).code).toBe(2);
    expect((await jobs(['frobnicate'])).code).toBe(2);
    expect((await jobs(['status'])).code).toBe(2);
    expect((await jobs(['stats'], { env: { JOBS_API_URL: 'not a url' } })).code).toBe(2);
    // A remote service never gets the local key by default.
    const remote = await jobs(['stats'], { env: { JOBS_API_URL: 'https://jobs.example.com', JOBS_API_KEY: '' } });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('JOBS_API_KEY');
    const invalid = await jobs(['submit', '--data', '{"texts": []}']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('INVALID_JOB_DATA');
    expect(invalid.stderr).toContain('texts');

    const auth = await jobs(['stats'], { env: { JOBS_API_KEY: 'wrong-key-123456' } });
    expect(auth.code).toBe(3);
    expect(auth.stderr).toContain('UNAUTHORIZED');
    expect(auth.stderr).not.toContain('wrong-key');
    // Without a key, a local server gets npm run dev's; refused, the CLI says which key it tried.
    const guessed = await jobs(['stats'], { env: { JOBS_API_KEY: '' } });
    expect(guessed.code).toBe(3);
    expect(guessed.stderr).toContain("tried npm run dev's key local-dev-key");

    const missing = await jobs(['status', '00000000-0000-4000-8000-000000000000', '--json']);
    expect(missing.code).toBe(4);
    expect(json(missing)).toMatchObject({ error: { code: 'JOB_NOT_FOUND', status: 404 } });

    const big = json<{ jobId: string }>(await jobs(['submit', '--json'], { stdin: Array.from({ length: 10_000 }, (_, i) => `Text ${i} is fine`).join('\n') }));
    const timeout = await jobs(['wait', big.jobId, '--timeout', '0.2']);
    expect(timeout.code).toBe(5);
    expect(timeout.stderr).toContain('JOB_TIMEOUT');
    await jobs(['cancel', big.jobId]);

    const network = await jobs(['stats'], { env: { JOBS_API_URL: 'http://127.0.0.1:9' } });
    expect(network.code).toBe(6);
    expect(network.stderr).toContain('NETWORK_ERROR');
  });

  it('uploads a file and downloads it back', async () => {
    const local = join(work, 'reviews.csv');
    writeFileSync(local, 'text,date\n"Loved it",2026-01-02\n"Awful",2026-01-03\n');
    const uploaded = await jobs(['upload', local, 'imports/reviews.csv', '--json']);
    expect(uploaded.code).toBe(0);
    expect(json(uploaded)).toMatchObject({ path: 'imports/reviews.csv', size: readFileSync(local).byteLength });
    const saved = join(work, 'back.csv');
    const downloaded = await jobs(['download', '--path', 'imports/reviews.csv', '-o', saved]);
    expect(downloaded.code).toBe(0);
    expect(readFileSync(saved, 'utf8')).toBe(readFileSync(local, 'utf8'));
    expect((await jobs(['download', '--path', 'imports/none.csv', '-o', saved])).code).toBe(4);
  });

  it('retries a cancelled job, pauses and resumes the queue, and manages schedules', async () => {
    const { jobId } = json<{ jobId: string }>(await jobs(['submit', '--json'], { stdin: Array.from({ length: 10_000 }, (_, i) => `Row ${i} is fine`).join('\n') }));
    await jobs(['cancel', jobId]);
    expect((await jobs(['wait', jobId, '--timeout', '30'])).code).toBe(1);
    const retried = await jobs(['retry', jobId, '--json']);
    expect(retried.code).toBe(0);
    const retry = json<{ jobId: string; retryOf: string }>(retried);
    expect(retry.retryOf).toBe(jobId);
    await jobs(['cancel', retry.jobId]);
    const done = json<{ id: string }>(await jobs(['submit', '--wait', '--json'], { stdin: 'Fine\n' }));
    const notRetryable = await jobs(['retry', done.id]);
    expect(notRetryable.code).toBe(1);
    expect(notRetryable.stderr).toContain('JOB_NOT_RETRYABLE');

    try {
      const paused = await jobs(['pause', '--json']);
      expect(paused.code).toBe(0);
      expect(json(paused)).toEqual({ paused: true });
      expect((await jobs(['stats'])).stdout).toContain('queue paused');
    } finally {
      // The dashboard suite shares this tenant: never leave it paused.
      expect((await jobs(['resume'])).stdout).toContain('queue running');
    }

    const created = await jobs(['schedule', 'create', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '--json'], { stdin: 'Nightly hello\n' });
    expect(created.code).toBe(0);
    const { id } = json<{ id: string }>(created);
    const list = await jobs(['schedule', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+0 3 \\* \\* \\*\\s+Europe/Berlin\\s+sentiment_analysis_batch`, 'm'));
    expect(json<{ id: string; deleted: boolean }>(await jobs(['schedule', 'delete', id, '--json']))).toEqual({ id, deleted: true });
    expect((await jobs(['schedule', 'delete', id])).code).toBe(4);
    expect((await jobs(['schedule', 'create', '--cron', 'nonsense', '--data', '{"texts": ["x"]}'])).code).toBe(2);
    expect((await jobs(['schedule', 'frobnicate'])).code).toBe(2);
  });

  it('status reads as a summary for every job type; watch follows a job with a progress bar', async () => {
    const local = join(work, 'mixed.csv');
    writeFileSync(local, 'text,email\n"Great, thanks",ann@example.com\n"Key AKIAIOSFODNN7EXAMPLE",\nbad,"open\n');
    expect((await jobs(['upload', local, 'imports/mixed.csv'])).code).toBe(0);
    const datasetId = crypto.randomUUID();
    const processed = await jobs(['submit', '--type', 'file_processing', '--data', JSON.stringify({ filePath: 'imports/mixed.csv', datasetId, processingType: 'analyze' }), '--wait', '--json']);
    const fileJob = json<{ id: string }>(processed).id;
    const fileStatus = (await jobs(['status', fileJob])).stdout;
    expect(fileStatus).toMatch(/^Rows\s+2 parsed, 1 failed/m);
    expect(fileStatus).toMatch(/^First errors\s+line 4: /m);
    expect(fileStatus).toContain(`/api/v1/datasets/${datasetId}/records`);

    const scan = json<{ id: string }>(await jobs(['submit', '--type', 'security_scan', '--data', JSON.stringify({ filePath: 'imports/mixed.csv', datasetId, complianceFramework: ['GDPR', 'PCI-DSS'] }), '--wait', '--json'])).id;
    const scanStatus = (await jobs(['status', scan])).stdout;
    expect(scanStatus).toMatch(/^Risk\s+(critical|high|medium|low)/m);
    expect(scanStatus).toMatch(/^Findings\s+\d+ \(\d+ critical, \d+ high, \d+ medium, \d+ low\)$/m);
    expect(scanStatus).toMatch(/^Compliance\s+GDPR \w+, PCI-DSS \w+$/m);
    expect(scanStatus).not.toContain('AKIAIOSFODNN7EXAMPLE');

    const exported = json<{ jobId: string }>(await jobs(['submit', '--type', 'data_export', '--data', JSON.stringify({ datasetId, format: 'csv' }), '--json'])).jobId;
    const watched = await jobs(['watch', exported, '--timeout', '30']);
    expect(watched.code).toBe(0);
    expect(watched.stderr).toMatch(/\[#{30}\] 100%  completed/);
    expect(watched.stdout).toMatch(/^Export\s+2 records, csv/m);
    expect(watched.stdout).toContain(`jobs download ${exported}`);

    const batch = json<{ jobId: string }>(await jobs(['submit', '--json'], { stdin: Array.from({ length: 10_000 }, (_, i) => `Line ${i} is good`).join('\n') })).jobId;
    const followed = await jobs(['watch', batch, '--timeout', '60']);
    expect(followed.code).toBe(0);
    // Off a terminal the bar prints a line per tenth: more than the final one means it moved.
    expect(followed.stderr.split('\n').filter((l) => /^\[[#.]{30}\]/.test(l)).length).toBeGreaterThan(1);
    expect(followed.stderr).toMatch(/10,000 of 10,000 items/);
  });
});

/**
 * With nothing configured the CLI talks to `npm run dev` (127.0.0.1:8787, key local-dev-key).
 * That address is taken here only if free; a dev server already there is used as it is.
 */
describe('the jobs CLI with no configuration', () => {
  let own: DevServer | undefined;
  afterAll(async () => {
    await own?.stop();
  });

  it('reaches npm run dev with its key, no flags or variables', async () => {
    const dev = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.dev ?? '';
    expect(dev).toContain('--port 8787');
    expect(dev).toContain('API_KEYS=local:local-dev-key');
    const running = await fetch('http://127.0.0.1:8787/api/v1/openapi.json').then(
      (res) => res.ok,
      () => false,
    );
    if (!running) own = await startDevServer(8787, {}, { key: 'local-dev-key' });

    const submitted = await jobs(['submit', '--wait'], { unconfigured: true, stdin: 'Works out of the box\n' });
    expect(submitted.stderr).not.toContain('set --url');
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/completed\s+100%/);
    const stats = await jobs(['stats'], { unconfigured: true });
    expect(stats.code).toBe(0);
  }, 90_000);
});
