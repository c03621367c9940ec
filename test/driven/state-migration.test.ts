import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS } from '../../src/durable/migrations.ts';
import { freshTenant } from '../support/api.ts';

interface JobData {
  status: string;
  scheduledFor?: string;
  nextAttemptAt?: string;
  waitingFor?: string[];
}

const HOUR = 3_600_000;

describe('migration 7: states that say what a pending job waits for', () => {
  it('splits old pending rows into ready, scheduled, retrying and waiting, and they run as before', async () => {
    const client = freshTenant();
    const [ready, delayed, backingOff, dependent, done] = Array.from({ length: 5 }, () => crypto.randomUUID());
    // Rebuild this coordinator's storage as the six migrations before left it, with old rows.
    await runInDurableObject(client.coordinator(), (_instance, state) => {
      const sql = state.storage.sql;
      const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'");
      for (const { name } of tables.toArray()) sql.exec(`DROP TABLE IF EXISTS ${name}`);
      applyMigrations(sql, MIGRATIONS.slice(0, 6));
      const now = Date.now();
      const insert = (id: string | undefined, status: string, attempt: number, notBefore: number) =>
        sql.exec(
          `INSERT INTO jobs (id, type, priority_rank, state, attempt, max_attempts, total_items, estimated_ms, estimated_memory,
                             created_ms, not_before_ms, scheduled_ms, finished_ms)
           VALUES (?, 'sentiment_analysis_batch', 2, ?, ?, 3, 1, 1, 1, ?, ?, ?, ?)`,
          id ?? '',
          status,
          attempt,
          now,
          notBefore,
          attempt === 0 && notBefore > 0 ? notBefore : null,
          status === 'completed' ? now : null,
        );
      insert(ready, 'pending', 0, 0);
      insert(delayed, 'pending', 0, now + HOUR);
      insert(backingOff, 'pending', 1, now + HOUR);
      insert(dependent, 'pending', 0, 0);
      insert(done, 'completed', 1, 0);
      sql.exec('INSERT INTO job_deps (job_id, depends_on) VALUES (?, ?)', dependent ?? '', delayed ?? '');
      applyMigrations(sql);
    });
    const get = async (id: string | undefined) => (await client.json<JobData>('GET', `/api/v1/jobs/${id}`)).body.data;

    // Any call that dispatches starts what is ready; the rest keep waiting for what they waited for.
    expect((await client.json('POST', '/api/v1/queue/resume')).status).toBe(200);
    expect((await get(ready)).status).toBe('running');
    expect(await get(delayed)).toMatchObject({ status: 'pending', scheduledFor: expect.any(String) });
    expect(await get(backingOff)).toMatchObject({ status: 'pending', nextAttemptAt: expect.any(String) });
    expect(await get(dependent)).toMatchObject({ status: 'pending', waitingFor: [delayed] });
    expect((await get(done)).status).toBe('completed');
    // Migration 8 counted the rows it found: stats start right.
    expect((await client.json<{ pending: number; running: number; completed: number; total: number }>('GET', '/api/v1/jobs/stats/summary')).body.data).toMatchObject({
      total: 5,
      pending: 3,
      running: 1,
      completed: 1,
    });

    await client.advanceClock(HOUR + 1);
    await runDurableObjectAlarm(client.coordinator());
    expect((await get(delayed)).status).toBe('running');
    expect((await get(backingOff)).status).toBe('running');
    expect(await get(dependent)).toMatchObject({ status: 'pending', waitingFor: [delayed] });
  });
});
