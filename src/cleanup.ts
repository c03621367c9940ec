import { loadConfig } from './config.ts';
import { coordinatorFor } from './durable/coordinator-stub.ts';
import { log } from './log.ts';

/** Cron: TTL cleanup in every configured tenant's coordinator. Safe to run twice or concurrently. */
export async function runCleanup(env: Env): Promise<{ tenants: number; deletedJobs: number; deletedObjects: number }> {
  const { tenants } = loadConfig(env);
  const reports = await Promise.all(tenants.map((tenant) => coordinatorFor(env, tenant).cleanup()));
  const total = {
    tenants: tenants.length,
    deletedJobs: reports.reduce((n, r) => n + r.deletedJobs, 0),
    deletedObjects: reports.reduce((n, r) => n + r.deletedObjects, 0),
  };
  log('info', { event: 'cleanup', ...total });
  return total;
}
