import { describe, expect, it } from 'vitest';
import { decideAdmission, HOUR_MS, MINUTE_MS } from '../../src/core/admission.ts';

const limits = { maxQueueSize: 10, maxPerMinute: 3, maxPerHour: 5 };
const empty = { count: 0, oldestMs: null };
const now = 1_000_000_000;

describe('decideAdmission', () => {
  it('admits below every limit', () => {
    expect(decideAdmission({ nowMs: now, queued: 9, lastMinute: { count: 2, oldestMs: now - 1 }, lastHour: { count: 4, oldestMs: now - 1 } }, limits)).toEqual({ ok: true });
  });

  it('checks the queue size first', () => {
    expect(decideAdmission({ nowMs: now, queued: 10, lastMinute: { count: 3, oldestMs: now }, lastHour: empty }, limits)).toMatchObject({ ok: false, code: 'QUEUE_FULL', limit: 10 });
  });

  it('says when the oldest admission leaves the minute window', () => {
    const decision = decideAdmission({ nowMs: now, queued: 0, lastMinute: { count: 3, oldestMs: now - MINUTE_MS + 12_300 }, lastHour: { count: 3, oldestMs: now - 50_000 } }, limits);
    expect(decision).toEqual({ ok: false, code: 'RATE_LIMITED', limit: 3, window: 'minute', retryAfterSec: 13 });
  });

  it('falls back to the hour window, never advising less than a second', () => {
    const decision = decideAdmission({ nowMs: now, queued: 0, lastMinute: { count: 0, oldestMs: null }, lastHour: { count: 5, oldestMs: now - HOUR_MS + 10 } }, limits);
    expect(decision).toEqual({ ok: false, code: 'RATE_LIMITED', limit: 5, window: 'hour', retryAfterSec: 1 });
  });
});
