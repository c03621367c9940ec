/**
 * Webhook delivery: one row per job with a callback, due at `next_ms`, retried with backoff until
 * delivered or given up. Rows are claimed before the POST, so overlapping alarms send once.
 */
import { HOUR_MS } from '../../core/admission.ts';
import { retryDelayMs } from '../../core/backoff.ts';
import type { JobRecord } from '../../core/job-record.ts';
import { signatureHeader, tenantWebhookSecret } from '../../core/webhooks.ts';

const WEBHOOK_MAX_ATTEMPTS = 8;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** A delivery in flight holds its row this long, so a concurrent alarm does not send it twice. */
const WEBHOOK_CLAIM_MS = 60_000;

/** For a job with a callback URL (others: nothing). Delivered by the alarm, so it never delays the job's own completion. */
export function enqueueWebhook(sql: SqlStorage, jobId: string, now: number): void {
  sql.exec("INSERT OR IGNORE INTO webhooks (job_id, next_ms, state) SELECT id, ?, 'pending' FROM jobs WHERE id = ? AND callback_url IS NOT NULL", now, jobId);
}

function dueWebhooks(sql: SqlStorage, now: number): string[] {
  return sql
    .exec<{ job_id: string }>("SELECT job_id FROM webhooks WHERE state = 'pending' AND next_ms <= ?", now)
    .toArray()
    .map((r) => r.job_id);
}

function claimWebhooks(sql: SqlStorage, jobIds: string[], now: number): void {
  for (const jobId of jobIds) sql.exec('UPDATE webhooks SET next_ms = ? WHERE job_id = ?', now + WEBHOOK_CLAIM_MS, jobId);
}

function giveUpWebhook(sql: SqlStorage, jobId: string): void {
  sql.exec("UPDATE webhooks SET state = 'gave_up' WHERE job_id = ?", jobId);
}

function dropWebhook(sql: SqlStorage, jobId: string): void {
  sql.exec('DELETE FROM webhooks WHERE job_id = ?', jobId);
}

/**
 * Records one attempt and returns the audit outcome and detail, or null when the row was already
 * settled. Counted in SQL, not from a snapshot: every attempt is counted once, even overlapping
 * ones. The trail says delivered or failed, never the target's status or whether it answered: it
 * must not tell a tenant what a URL leads to.
 */
function settleAttempt(sql: SqlStorage, jobId: string, delivered: boolean, now: number): { outcome: string; detail: string } | null {
  const attempt = sql
    .exec<{ attempts: number }>("UPDATE webhooks SET attempts = attempts + 1 WHERE job_id = ? AND state = 'pending' RETURNING attempts", jobId)
    .toArray()[0]?.attempts;
  if (attempt === undefined) return null;
  if (delivered) {
    sql.exec("UPDATE webhooks SET state = 'delivered' WHERE job_id = ?", jobId);
    return { outcome: 'delivered', detail: `attempt ${attempt}` };
  }
  if (attempt >= WEBHOOK_MAX_ATTEMPTS) {
    giveUpWebhook(sql, jobId);
    return { outcome: 'failed', detail: `attempt ${attempt}, gave up` };
  }
  const delay = retryDelayMs(attempt, { baseDelayMs: 5_000, maxDelayMs: HOUR_MS });
  sql.exec('UPDATE webhooks SET next_ms = ? WHERE job_id = ?', now + delay, jobId);
  return { outcome: 'failed', detail: `attempt ${attempt}, will retry` };
}

/** One signed POST: true when the target answered 2xx. */
async function postWebhook(url: string, webhookId: string, body: string, secret: string, timestampMs: number): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-signature': await signatureHeader(secret, timestampMs, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export interface Delivery {
  tenant: string;
  /** Null: the operator removed the key, so nothing can be signed. */
  signingKey: string | null;
  now: () => number;
  job: (id: string) => JobRecord | null;
  view: (job: JobRecord) => unknown;
  audit: (jobId: string, outcome: string, detail: string | null) => void;
  /** The error boundary of one delivery: it is counted as a failed attempt, and the others go on. */
  failed: (jobId: string, error: unknown) => void;
}

/**
 * POSTs each due webhook: the job summary, signed with the tenant's secret. A failure is retried
 * with backoff, every attempt is in the job's history, and after the last one it gives up.
 * Returns whether anything was attempted (the caller re-arms its alarm).
 */
export async function deliverDueWebhooks(sql: SqlStorage, delivery: Delivery): Promise<boolean> {
  const due = dueWebhooks(sql, delivery.now());
  if (due.length === 0) return false;
  if (delivery.signingKey === null) {
    // These can never be signed, so stop trying (a due row left pending would re-arm the alarm at once, forever).
    for (const jobId of due) {
      giveUpWebhook(sql, jobId);
      delivery.audit(jobId, 'failed', 'webhooks not configured, gave up');
    }
    return false;
  }
  claimWebhooks(sql, due, delivery.now());
  const secret = await tenantWebhookSecret(delivery.signingKey, delivery.tenant);
  await Promise.all(
    due.map(async (jobId) => {
      let delivered: boolean;
      try {
        const job = delivery.job(jobId);
        if (!job?.callbackUrl) return dropWebhook(sql, jobId);
        const body = JSON.stringify({ id: `${jobId}:${job.status}`, type: `job.${job.status}`, job: delivery.view(job) });
        delivered = await postWebhook(job.callbackUrl, `${jobId}:${job.status}`, body, secret, delivery.now());
      } catch (error) {
        delivery.failed(jobId, error);
        delivered = false;
      }
      const settled = settleAttempt(sql, jobId, delivered, delivery.now());
      if (settled) delivery.audit(jobId, settled.outcome, settled.detail);
    }),
  );
  return true;
}
