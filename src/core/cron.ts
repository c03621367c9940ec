import { Cron } from 'croner';

export type CronCheck = { ok: true } | { ok: false; field: 'cron' | 'timezone'; message: string };

/**
 * Validates a five- or six-field cron expression and an IANA time zone. The messages never quote
 * the input (croner's own do): a pasted value may be anything, a card number or an email.
 */
export function checkCron(expression: string, timezone: string): CronCheck {
  try {
    Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return { ok: false, field: 'timezone', message: 'Unknown time zone; use an IANA name such as Europe/Berlin' };
  }
  try {
    const next = new Cron(expression, { timezone, paused: true }).nextRun();
    return next ? { ok: true } : { ok: false, field: 'cron', message: 'The expression never fires' };
  } catch {
    return {
      ok: false,
      field: 'cron',
      message: 'Invalid cron expression: use five or six space-separated fields (seconds optional) of numbers, ranges, steps, lists or *',
    };
  }
}

/** The first firing strictly after `afterMs`, or null when there is none. */
export function nextFiring(expression: string, timezone: string, afterMs: number): number | null {
  return new Cron(expression, { timezone, paused: true }).nextRun(new Date(afterMs))?.getTime() ?? null;
}

/** A job id that is the same every time one schedule fires for one due time: firing twice is a no-op. */
export async function firingJobId(scheduleId: string, dueMs: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${scheduleId}:${dueMs}`)));
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
