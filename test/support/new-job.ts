import type { NewJob } from '../../src/durable/coordinator/contract.ts';

/** A job as the Worker hands it to `enqueue`: one small sentiment job unless `overrides` say otherwise. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: crypto.randomUUID(),
    type: 'sentiment_analysis_batch',
    priority: 'medium',
    totalItems: 1,
    estimatedMs: 1,
    estimatedMemoryBytes: 1,
    runAtMs: null,
    dependsOn: [],
    retryOf: null,
    callbackUrl: null,
    input: null,
    awaitingInput: false,
    ...overrides,
  };
}
