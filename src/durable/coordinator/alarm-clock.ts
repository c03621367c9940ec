/**
 * Time for the coordinator: one clock every decision reads (tests move it instead of editing
 * rows), and one alarm at the earliest deadline any table holds.
 */
import { INPUT_WAIT_MS } from './job-queries.ts';

/** Wall time plus an offset that only tests move. */
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves this coordinator's time forward: leases lapse, backoffs and schedules come due. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** The platform's wall time for a time on this clock (alarms are set in wall time). */
  wallTime(ms: number): number {
    return ms - this.offsetMs;
  }
}

/** Deadlines this close also get an in-memory timer (alarms may fire a second late); the alarm stays the durable backstop. */
const PRECISE_HORIZON_MS = 2_000;

/** The earliest lease expiry, start time, backoff, webhook, schedule firing or input wait; null when nothing waits on time. */
export function nextDeadline(sql: SqlStorage, now: number): number | null {
  return sql
    .exec<{ t: number | null }>(
      `SELECT MIN(t) AS t FROM (
         SELECT MIN(lease_until_ms) AS t FROM jobs WHERE state = 'running'
         UNION ALL
         SELECT MIN(not_before_ms) AS t FROM jobs WHERE state IN ('scheduled', 'retrying')
         UNION ALL
         SELECT MIN(next_ms) AS t FROM webhooks WHERE state = 'pending'
         UNION ALL
         SELECT MIN(next_ms) AS t FROM schedules
         UNION ALL
         SELECT MIN(created_ms) + ? AS t FROM jobs WHERE input_ready = 0
       )`,
      INPUT_WAIT_MS,
    )
    .one().t;
}

/**
 * The one alarm, at or before the earliest deadline, re-armed after every change; `tick` is what
 * runs when it (or the precise timer) goes off.
 */
export class AlarmClock {
  private readonly ctx: DurableObjectState;
  private readonly clock: Clock;
  private readonly tick: () => Promise<void>;
  private armedMs: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, clock: Clock, tick: () => Promise<void>) {
    this.ctx = ctx;
    this.clock = clock;
    this.tick = tick;
  }

  /** What the platform has armed (read once at start-up), or null once it fired. */
  armed(ms: number | null): void {
    this.armedMs = ms;
  }

  rearm(sql: SqlStorage): void {
    const now = this.clock.now();
    const next = nextDeadline(sql, now);
    if (next === null) return;
    // Something already due fires now; the platform refuses times in the past.
    const at = Math.max(next, now);
    clearTimeout(this.timer);
    if (at - now <= PRECISE_HORIZON_MS) {
      this.timer = setTimeout(() => this.ctx.waitUntil(this.tick()), at - now);
    }
    // An alarm already armed no later stays: it may fire early, find nothing due and re-arm, but
    // moving it on every job start and claim (a storage write the reply waits for) costs each call
    // ~3 ms under `wrangler dev` (bench/floor `/rpc-alarm` against `/rpc`).
    if (this.armedMs !== null && this.armedMs <= at) return;
    this.armedMs = at;
    void this.ctx.storage.setAlarm(this.clock.wallTime(at));
  }
}
