import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

const { url, key } = inject('server');
const run = promisify(execFile);
/** The system's Node (20 here), not the Node 22 that npm puts first on PATH. */
const SYSTEM_NODE = process.env.SYSTEM_NODE ?? '/usr/bin/node';
/** Inside the package, so `datacloak-job-queue/client` resolves through its own `exports`. */
const consumer = join(process.cwd(), 'build', 'consumer-check');

afterAll(() => rmSync(consumer, { recursive: true, force: true }));

describe('the built client (npm run build:client, run by prepare)', () => {
  it('imports in plain Node from the package name and runs a job against wrangler dev', async () => {
    expect(existsSync(SYSTEM_NODE), `${SYSTEM_NODE} is missing; set SYSTEM_NODE`).toBe(true);
    const script = `
      import { createClient, JobQueueError, readResult } from 'datacloak-job-queue/client';
      const jobs = createClient({ url: process.argv[1], key: process.argv[2] });
      const { jobId } = await jobs.createJob({ type: 'sentiment_analysis_batch', data: { texts: ['I love it', 'I hate it'] } });
      const done = await jobs.waitForJob(jobId, { timeoutMs: 30000 });
      let missing = '';
      try { await jobs.getJob('00000000-0000-4000-8000-000000000000'); } catch (e) { missing = e instanceof JobQueueError ? e.code : String(e); }
      console.log(JSON.stringify({ version: process.version, status: done.status, view: readResult(done.type, done.result)?.type, missing }));
    `;
    const { stdout } = await run(SYSTEM_NODE, ['--input-type=module', '-e', script, url, key], { timeout: 60_000 });
    const out = JSON.parse(stdout) as { version: string; status: string; view: string; missing: string };
    expect(out).toMatchObject({ status: 'completed', view: 'sentiment_analysis_batch', missing: 'JOB_NOT_FOUND' });
    console.log(`built client ran under system Node ${out.version}`);
  });

  it('ships type declarations a strict TypeScript project resolves through the package exports', async () => {
    mkdirSync(consumer, { recursive: true });
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022', 'dom'], types: [], noEmit: true }, files: ['use.mts', 'misuse.mts'] }),
    );
    writeFileSync(
      join(consumer, 'use.mts'),
      `import { createClient, type Job } from 'datacloak-job-queue/client';
       const jobs = createClient({ url: 'http://127.0.0.1:8787', key: 'k' });
       export const status: Promise<Job['status']> = jobs.getJob('x').then((job) => job.status);`,
    );
    // A control: the declarations must reject a wrong type, or the check above proves nothing.
    writeFileSync(join(consumer, 'misuse.mts'), `import { createClient } from 'datacloak-job-queue/client';\nexport const n: number = (await createClient({ url: 'u', key: 'k' }).getJob('x')).status;\n`);
    const tsc = join(process.cwd(), 'node_modules', '.bin', 'tsc');
    const result = await run(tsc, ['-p', consumer]).then(
      () => ({ stdout: '' }),
      (error: { stdout: string }) => error,
    );
    const errors = result.stdout.split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/misuse\.mts\(2,\d+\): error TS2322/);
  });
});
