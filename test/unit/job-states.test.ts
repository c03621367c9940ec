import { describe, expect, it } from 'vitest';
import { JOB_STATES, PENDING_STATES, publicStatus, statesOf } from '../../src/core/job-states.ts';
import { JOB_STATUSES } from '../../src/core/job-types.ts';

describe('job states', () => {
  it('shows every waiting state as pending and the rest by name', () => {
    expect(PENDING_STATES).toEqual(['scheduled', 'retrying', 'waiting', 'ready']);
    expect(publicStatus('running')).toBe('running');
    for (const ended of ['completed', 'failed', 'cancelled'] as const) expect(publicStatus(ended)).toBe(ended);
  });

  it('maps each public status back to exactly the states it covers', () => {
    const covered = JOB_STATUSES.flatMap((status) => statesOf(status));
    expect([...covered].sort()).toEqual([...JOB_STATES].sort());
    for (const status of JOB_STATUSES) for (const state of statesOf(status)) expect(publicStatus(state)).toBe(status);
  });
});
