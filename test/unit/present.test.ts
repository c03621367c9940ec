import { describe, expect, it } from 'vitest';
import { presentJob, progressOf } from '../../src/core/job-view.ts';
import type { JobRecord } from '../../src/core/job-record.ts';

const base: JobRecord = {
  id: 'j',
  type: 'sentiment_analysis_batch',
  priority: 'high',
  status: 'running',
  attempt: 1,
  maxAttempts: 4,
  cancelRequested: false,
  totalItems: 1000,
  processedItems: 650,
  failedItems: 5,
  speed: 20,
  estimatedMs: 5000,
  estimatedMemoryBytes: 1,
  createdMs: 0,
  startedMs: 15_000,
  runStartedMs: 15_000,
  lastProgressMs: 40_000,
  finishedMs: null,
  notBeforeMs: 0,
  errorJson: null,
  resultJson: null,
  scheduledMs: null,
  retryOf: null,
  retriedBy: null,
  waitingFor: [],
  callbackUrl: null,
};

describe('presentJob', () => {
  it('derives progress, speed, per-item time and the estimated completion of a running job', () => {
    const view = presentJob(base, { nowMs: 45_000, ttlMs: null });
    expect(progressOf(base)).toBe(65.5);
    expect(view).toMatchObject({
      progress: 65.5,
      startedAt: new Date(15_000).toISOString(),
      estimatedCompletion: new Date(40_000 + (345 / 20) * 1000).toISOString(),
      processingStats: { totalItems: 1000, processedItems: 650, failedItems: 5, averageProcessingTime: 45.8, currentSpeed: '20 items/second' },
    });
  });

  it('shows a failure safely, with when the job expires', () => {
    const failed: JobRecord = {
      ...base,
      status: 'failed',
      finishedMs: 60_000,
      errorJson: JSON.stringify({ code: 'LEASE_EXPIRED', message: 'stopped', stage: 'processing', retryable: true, attempts: 4 }),
    };
    const view = presentJob(failed, { nowMs: 70_000, ttlMs: 1000 });
    expect(view).toMatchObject({
      failedAt: new Date(60_000).toISOString(),
      expiresAt: new Date(61_000).toISOString(),
      error: 'stopped',
      errorDetails: { code: 'LEASE_EXPIRED', stage: 'processing', attempts: 4, retryable: true },
    });
    expect(view.estimatedCompletion).toBeUndefined();
  });
});
