/** The signed-in client and the words the dashboard uses for the API's values. */
import { JobQueueError, TERMINAL_STATUSES, type JobPriority, type JobQueueClient, type JobStatus, type JobType, type JsonSchema } from '../src/client/index.ts';

let api: JobQueueClient | null = null;
let schemas: Partial<Record<JobType, JsonSchema>> = {};

/** Signs in (or out, with null) with the job types this deployment runs and their data schemas. */
export function setClient(next: JobQueueClient | null, deployed: Partial<Record<JobType, JsonSchema>> = {}): void {
  api = next;
  schemas = deployed;
}

export const jobTypes = (): JobType[] => Object.keys(schemas) as JobType[];
export const dataSchema = (type: JobType): JsonSchema | undefined => schemas[type];
export const STATUSES: readonly JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];
export const PRIORITIES: readonly JobPriority[] = ['critical', 'high', 'medium', 'low'];

export function client(): JobQueueClient {
  if (!api) throw new Error('Not signed in');
  return api;
}

export const signedIn = () => api !== null;

export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

export function message(error: unknown): string {
  if (error instanceof JobQueueError) {
    const fields = Array.isArray(error.details.errors) ? (error.details.errors as { field: string; message: string }[]) : [];
    return [error.message, ...fields.map((f) => `${f.field}: ${f.message}`)].join(' — ');
  }
  return error instanceof Error ? error.message : String(error);
}

export const TYPE_LABELS: Record<JobType, string> = {
  sentiment_analysis_batch: 'Sentiment analysis',
  file_processing: 'File processing',
  security_scan: 'Security scan',
  data_export: 'Data export',
};

export const TYPE_HINTS: Record<JobType, string> = {
  sentiment_analysis_batch: 'Score texts as positive, negative or neutral, masking personal data.',
  file_processing: 'Parse an uploaded CSV, JSON or text file into a dataset, optionally with sentiment.',
  security_scan: 'Find personal data and secrets in an uploaded file, with a compliance report.',
  data_export: 'Write a dataset to CSV, JSON or Excel for download.',
};

export const typeLabel = (type: string) => TYPE_LABELS[type as JobType] ?? type.replaceAll('_', ' ');

export const shortId = (id: string) => id.slice(0, 8);

/** The "paused" mark beside Queue in the navigation, from whichever view last read the stats. */
export function showPaused(paused: boolean): void {
  document.getElementById('nav-paused')?.toggleAttribute('hidden', !paused);
}
