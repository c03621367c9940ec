import type { JobType } from '../core/job-types.ts';
import { dataExport } from './data-export.ts';
import { fileProcessing } from './file-processing.ts';
import { securityScan } from './security-scan.ts';
import { sentimentAnalysisBatch } from './sentiment-analysis-batch.ts';
import type { JobHandler } from './types.ts';

/** Only job types that fully work are registered; creating any other answers INVALID_JOB_TYPE. */
const HANDLERS = [sentimentAnalysisBatch, fileProcessing, securityScan, dataExport] as const;

export const REGISTERED_TYPES: readonly JobType[] = HANDLERS.map((h) => h.type);

export function handlerFor(type: string): JobHandler | undefined {
  return HANDLERS.find((h) => h.type === type) as JobHandler | undefined;
}

export function registeredHandlers(): readonly JobHandler[] {
  return HANDLERS as readonly JobHandler[];
}

/** What the coordinator records about a job's size, from its handler's estimates. */
export function jobSize(handler: JobHandler, data: unknown): { totalItems: number; estimatedMs: number; estimatedMemoryBytes: number } {
  return { totalItems: handler.totalItems(data), estimatedMs: handler.estimateTime(data), estimatedMemoryBytes: handler.estimateMemory(data) };
}
