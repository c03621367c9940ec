/**
 * Long-poll waiters, in memory: woken by the terminal transition or by their own deadline. They
 * vanish if the object restarts; the client's next wait finds the state in SQLite.
 */
import type { JobRecord } from '../../core/job-record.ts';

export class Waiters {
  private readonly byJob = new Map<string, Set<(job: JobRecord) => void>>();

  /** Resolves with the finished job, or with `onDeadline()` after `timeoutMs`. */
  park<T>(jobId: string, timeoutMs: number, onFinished: (job: JobRecord) => T, onDeadline: () => T): Promise<T> {
    return new Promise((resolve) => {
      const set = this.byJob.get(jobId) ?? new Set();
      this.byJob.set(jobId, set);
      const wake = (job: JobRecord): void => {
        clearTimeout(timer);
        resolve(onFinished(job));
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0) this.byJob.delete(jobId);
        resolve(onDeadline());
      }, timeoutMs);
      set.add(wake);
    });
  }

  /** Answers every waiter of a job that just finished. */
  wake(job: JobRecord): void {
    const set = this.byJob.get(job.id);
    if (!set) return;
    this.byJob.delete(job.id);
    for (const resolve of set) resolve(job);
  }

  count(jobId: string): number {
    return this.byJob.get(jobId)?.size ?? 0;
  }

  /** Waiters over all jobs: what the per-tenant cap counts. */
  total(): number {
    let n = 0;
    for (const set of this.byJob.values()) n += set.size;
    return n;
  }
}
