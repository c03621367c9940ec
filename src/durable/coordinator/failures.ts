/** Failures the coordinator records for a job that never ran (a lapsed lease: maintenance.ts). */
import type { FailureReport } from './contract.ts';

/** An admitted job whose input was never stored, or whose stored input is gone. */
export const INPUT_MISSING: FailureReport = { code: 'INPUT_MISSING', message: 'The job input is missing', stage: 'loading', retryable: false };

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
