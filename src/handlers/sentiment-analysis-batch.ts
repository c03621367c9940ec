import { z } from 'zod';
import { analyzeSentiment, SENTIMENT_LANGUAGES, type SentimentLabel } from '../analysis/sentiment.ts';
import { maskPii, type PiiType } from '../pii/detectors.ts';
import { fitsInline } from '../core/inline-payload.ts';
import { resultPartKey } from '../storage/job-blobs.ts';
import type { ExecuteOutcome, JobHandler, JobRun } from './types.ts';

export const SUPPORTED_LANGUAGES = SENTIMENT_LANGUAGES;
export const MAX_TEXTS = 10_000;
export const MAX_TEXT_LENGTH = 10_000;
/** Items per slice, and per stored result part: one checkpoint and one R2 object each. */
export const PART_SIZE = 500;

export const SentimentBatchData = z.strictObject({
  texts: z
    .array(
      z
        .string({ error: 'Each text must be a string' })
        .min(1, 'Text must not be empty')
        .max(MAX_TEXT_LENGTH, `Text must be at most ${MAX_TEXT_LENGTH} characters`),
      { error: 'texts must be an array of strings' },
    )
    .min(1, 'Array must contain at least 1 item')
    .max(MAX_TEXTS, `Array must contain at most ${MAX_TEXTS} items`),
  enablePIIMasking: z.boolean().default(true),
  includeKeywords: z.boolean().default(false),
  language: z
    .enum(SUPPORTED_LANGUAGES, { error: `Unsupported language; supported languages: ${SUPPORTED_LANGUAGES.join(', ')}` })
    .default('en'),
});
export type SentimentBatchData = z.infer<typeof SentimentBatchData>;

export type SentimentItem =
  | {
      text: string;
      sentiment: SentimentLabel;
      score: number;
      confidence: number;
      piiTypes?: PiiType[];
      keywords?: string[];
    }
  | { text: string; error: { code: string; message: string } };

interface Checkpoint {
  next: number;
  successful: number;
  failed: number;
  scoreSum: number;
  distribution: Record<SentimentLabel, number>;
}

function analyzeOne(raw: string, data: SentimentBatchData): { item: SentimentItem; score: number | null; label: SentimentLabel | null } {
  const masked = data.enablePIIMasking ? maskPii(raw) : null;
  const text = masked ? masked.text : raw;
  if (text.trim().length === 0) {
    return { item: { text, error: { code: 'EMPTY_TEXT', message: 'The text has nothing to analyse' } }, score: null, label: null };
  }
  const analysis = analyzeSentiment(text, { includeKeywords: data.includeKeywords, language: data.language });
  const item: SentimentItem = {
    text,
    sentiment: analysis.sentiment,
    score: analysis.score,
    confidence: analysis.confidence,
    ...(masked ? { piiTypes: masked.piiTypes } : {}),
    ...(data.includeKeywords ? { keywords: analysis.keywords ?? [] } : {}),
  };
  return { item, score: analysis.score, label: analysis.sentiment };
}

async function execute(run: JobRun<SentimentBatchData, Checkpoint>): Promise<ExecuteOutcome> {
  const { texts } = run.data;
  const state: Checkpoint = run.checkpoint ?? {
    next: 0,
    successful: 0,
    failed: 0,
    scoreSum: 0,
    distribution: { positive: 0, negative: 0, neutral: 0 },
  };
  // Each part's put runs while the next part is analysed; a checkpoint names only parts whose put
  // has landed (a resumed run writes the others again: a put of the same key is harmless).
  let writing: { put: Promise<unknown>; stored: Checkpoint } | null = null;
  while (state.next < texts.length) {
    const start = state.next;
    const end = Math.min(texts.length, start + PART_SIZE);
    const items: SentimentItem[] = [];
    for (let i = start; i < end; i++) {
      await run.pace();
      let outcome: ReturnType<typeof analyzeOne>;
      try {
        outcome = analyzeOne(texts[i] ?? '', run.data);
      } catch {
        // The item fails, not the job; its raw text is never echoed back.
        outcome = { item: { text: '', error: { code: 'ANALYSIS_FAILED', message: 'The text could not be analysed' } }, score: null, label: null };
      }
      items.push(outcome.item);
      if (outcome.label === null || outcome.score === null) {
        state.failed += 1;
      } else {
        state.successful += 1;
        state.scoreSum += outcome.score;
        state.distribution[outcome.label] += 1;
      }
    }
    const json = JSON.stringify(items);
    state.next = end;
    // A job of one part whose items fit is answered from its result alone: no R2 object.
    if (start === 0 && end >= texts.length && fitsInline(json)) return finished(state, texts.length, items);
    const put = run.env.BLOBS.put(resultPartKey(run.tenant, run.jobId, start / PART_SIZE), json, { httpMetadata: { contentType: 'application/json' } });
    // Awaited below, where a failure still throws; handled now, so it is no unhandled rejection meanwhile.
    void put.catch(() => undefined);
    if (writing) {
      await writing.put;
      const answer = await run.report({ processedItems: writing.stored.successful, failedItems: writing.stored.failed, checkpoint: writing.stored });
      if (answer !== 'continue') {
        await put;
        return { done: false };
      }
    }
    writing = { put, stored: { ...state, distribution: { ...state.distribution } } };
  }
  if (writing) await writing.put;
  return finished(state, texts.length, null);
}

function finished(state: Checkpoint, total: number, inline: SentimentItem[] | null): ExecuteOutcome {
  return {
    done: true,
    processedItems: state.successful,
    failedItems: state.failed,
    result: {
      summary: {
        totalProcessed: state.successful + state.failed,
        summary: {
          successful: state.successful,
          failed: state.failed,
          averageScore: state.successful === 0 ? 0 : Math.round((state.scoreSum / state.successful) * 1000) / 1000,
          distribution: state.distribution,
        },
      },
      items: { total, partSize: PART_SIZE, ...(inline ? { inline } : {}) },
    },
  };
}

export const sentimentAnalysisBatch: JobHandler<SentimentBatchData, Checkpoint> = {
  type: 'sentiment_analysis_batch',
  dataSchema: SentimentBatchData,
  totalItems: (data) => data.texts.length,
  // Measured: ~15k texts/s analysed with masking on one core; a floor of 50 ms per job for I/O.
  estimateTime: (data) => 50 + Math.ceil(data.texts.length / 15),
  // The input plus results of one part in flight: ~3x the text bytes, plus the model (~10 MB).
  estimateMemory: (data) => 10 * 1024 * 1024 + 3 * data.texts.reduce((sum, t) => sum + t.length * 2, 0),
  execute,
};
