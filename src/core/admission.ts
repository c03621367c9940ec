/** Admission control for new jobs: queue size first, then the sliding rate windows. */
export interface AdmissionLimits {
  maxQueueSize: number;
  maxPerMinute: number;
  maxPerHour: number;
}

export interface AdmissionWindow {
  /** Admissions inside the window ending now. */
  count: number;
  /** Time of the oldest admission inside the window (ms), or null when empty. */
  oldestMs: number | null;
}

export interface AdmissionState {
  nowMs: number;
  /** pending + running jobs */
  queued: number;
  lastMinute: AdmissionWindow;
  lastHour: AdmissionWindow;
}

export type AdmissionDecision =
  | { ok: true }
  | { ok: false; code: 'QUEUE_FULL'; limit: number; retryAfterSec: number }
  | { ok: false; code: 'RATE_LIMITED'; limit: number; window: 'minute' | 'hour'; retryAfterSec: number };

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Seconds until the oldest admission leaves the window, so one more fits. */
function secondsUntilFree(window: AdmissionWindow, windowMs: number, nowMs: number): number {
  const freeAt = (window.oldestMs ?? nowMs) + windowMs;
  return Math.max(1, Math.ceil((freeAt - nowMs) / 1000));
}

export function decideAdmission(state: AdmissionState, limits: AdmissionLimits): AdmissionDecision {
  if (state.queued >= limits.maxQueueSize) {
    // Nothing predicts when a slot frees up; a short, honest hint beats a made-up one.
    return { ok: false, code: 'QUEUE_FULL', limit: limits.maxQueueSize, retryAfterSec: 5 };
  }
  if (state.lastMinute.count >= limits.maxPerMinute) {
    return {
      ok: false,
      code: 'RATE_LIMITED',
      limit: limits.maxPerMinute,
      window: 'minute',
      retryAfterSec: secondsUntilFree(state.lastMinute, MINUTE_MS, state.nowMs),
    };
  }
  if (state.lastHour.count >= limits.maxPerHour) {
    return {
      ok: false,
      code: 'RATE_LIMITED',
      limit: limits.maxPerHour,
      window: 'hour',
      retryAfterSec: secondsUntilFree(state.lastHour, HOUR_MS, state.nowMs),
    };
  }
  return { ok: true };
}
