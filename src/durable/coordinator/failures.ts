/** The failures the coordinator itself records (a handler's own come from the consumer). */
import type { FailureReport } from './contract.ts';

/** An admitted job whose input was never stored, or whose stored input is gone. */
export const INPUT_MISSING: FailureReport = { code: 'INPUT_MISSING', message: 'The job input is missing', stage: 'loading', retryable: false };

export const LEASE_EXPIRED: FailureReport = {
  code: 'LEASE_EXPIRED',
  message: 'The worker running this job stopped reporting progress',
  stage: 'processing',
  retryable: true,
};

/** What a job waiting on `dependency` records when that dependency can never complete. */
export function dependencyFailed(dependency: string, state: 'failed' | 'cancelled', attempts: number) {
  return {
    code: 'DEPENDENCY_FAILED',
    message: `Dependency ${dependency} ${state === 'failed' ? 'failed' : 'was cancelled'}`,
    stage: 'waiting',
    retryable: false,
    attempts,
    dependency,
  };
}
