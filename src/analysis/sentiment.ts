/**
 * Lexicon-based sentiment analysis on top of wink-nlp and its English lite model.
 *
 * Pure TypeScript: no Worker-only or Node-only APIs, so the same module runs in workerd (bundled
 * by wrangler/esbuild), in vitest, and in Node 22 with `--experimental-strip-types`.
 *
 * The score is wink's document sentiment: every matched sentiment phrase (word, emoji, emoticon or
 * idiom) has a lexicon value in [-1, 1], flipped when wink marks it as negated ("not good");
 * a sentence scores the mean of its phrases and the document the mean of its sentences
 * (sentences without sentiment count as 0, so one mild remark in a long text scores low).
 */
import winkNLP from 'wink-nlp';
import type { ItsFunction, Model, WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentResult {
  sentiment: SentimentLabel;
  /** Document sentiment in [-1, 1], rounded to 3 decimals. */
  score: number;
  /** In [0.5, 1]; 0.5 = no better than a guess. Defined at {@link analyzeSentiment}. */
  confidence: number;
  /** Only when `includeKeywords` is set: up to 5 lowercased lemmas, most frequent first. */
  keywords?: string[];
}

export interface SentimentOptions {
  includeKeywords?: boolean;
}

/**
 * `score >= positive` → positive, `score <= negative` → negative, otherwise neutral.
 *
 * ±0.05 is the cut-off VADER uses for its compound score. Lexicon values here are mostly ≥ 0.2
 * in magnitude, so |score| < 0.05 means opposing phrases cancelled out or one phrase was diluted
 * by many neutral sentences; calling that neutral is the honest answer. Measured on the UCI
 * "Sentiment Labelled Sentences" (3,000 sentences, binary): accuracy on the sentences that get a
 * polar label rises from 0.869 (±0.001) to 0.877 at ±0.05 while overall accuracy (neutral
 * counted wrong) drops from 0.721 to 0.714; ±0.1 and ±0.2 give up 1.6 and 4.6 more points of
 * accuracy for +0.4 and +1.8 points of polar accuracy.
 * Run `npm run eval:sentiment` for the current numbers.
 */
export const SENTIMENT_THRESHOLDS: { readonly positive: number; readonly negative: number } =
  Object.freeze({ positive: 0.05, negative: -0.05 });

/** |score| at which the margin part of confidence saturates (half the lexicon's maximum). */
const SCORE_SATURATION = 0.5;
/** Words of sentiment-free text that give half the support for a neutral verdict. */
const NEUTRAL_HALF_SUPPORT_WORDS = 10;
const MAX_KEYWORDS = 5;
const KEYWORD_POS: ReadonlySet<string> = new Set(['NOUN', 'PROPN', 'ADJ']);

// --- wink internals we hook into (pinned wink-nlp 2.4.0 / wink-eng-lite-web-model 1.8.1) ---
// wink exposes only the averaged score; confidence needs the individual phrase matches, so we
// wrap the model's sentiment setter and record them. readDoc is synchronous, so a module-level
// buffer cannot be interleaved between requests in the same isolate.
type SaMatch = number[]; // [firstToken, lastToken, value * 1000]
interface SaRawDoc {
  tokens: ArrayLike<number>;
}
interface SaConstants {
  tkSize: number;
  negationFlag: number;
}
type SaSetter = (px: SaMatch[], rdd: SaRawDoc, constants: SaConstants, locate: unknown) => void;
interface SaModule {
  machines: unknown;
  setter: SaSetter;
}

/** Signed (negation applied) values of the phrases matched by the last readDoc; null = unknown. */
let lastMatches: number[] | null = null;

function withMatchRecorder(base: Model): Model {
  const sa: unknown = base.sa;
  if (typeof sa !== 'function') return base;
  const loadSa = sa as () => SaModule;
  const recordingSa = (): SaModule => {
    const inner = loadSa();
    return {
      machines: inner.machines,
      setter: (px, rdd, constants, locate) => {
        lastMatches = px.map((m) => {
          const value = Number(m[2]) / 1000;
          const flag = rdd.tokens[(m[0] ?? 0) * constants.tkSize + 3] ?? 0;
          return flag >= constants.negationFlag ? -value : value;
        });
        inner.setter(px, rdd, constants, locate);
      },
    };
  };
  // Copy rather than mutate: the model object is shared with any other wink user in the bundle.
  return Object.assign(Object.create(null) as Model, base, { sa: recordingSa });
}

let nlpInstance: WinkMethods | undefined;

/** Compiling the model's automata takes tens of milliseconds: do it once per isolate, lazily. */
function getNlp(): WinkMethods {
  // NER and custom entities are not needed and cost time on every document.
  nlpInstance ??= winkNLP(withMatchRecorder(model), ['sbd', 'negation', 'sentiment', 'pos']);
  return nlpInstance;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000 + 0; // + 0 turns -0 into 0
const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

function labelFor(score: number): SentimentLabel {
  if (score >= SENTIMENT_THRESHOLDS.positive) return 'positive';
  if (score <= SENTIMENT_THRESHOLDS.negative) return 'negative';
  return 'neutral';
}

/**
 * Analyse one text.
 *
 * Confidence = 0.5 + 0.5 × margin × support, so 0.5 means "no better than a guess" and the
 * value approaches 1 only when the score is far from the decision boundary AND backed by evidence.
 * With n matched sentiment phrases, their signed values v_i, agreement
 * a = |Σv_i| / Σ|v_i| (1 when all phrases point the same way, 0 when they cancel) and w word
 * tokens:
 * - positive/negative: margin = min(1, (|score| − t) / (0.5 − t)) with t the threshold's
 *   magnitude; support = a × (1 − 2^−n) (one phrase 0.5, two 0.75, three 0.875, …).
 * - neutral: margin = 1 − |score| / t (1 at score 0, 0 at the boundary);
 *   support = (1 − a) × (1 − 2^−n) when sentiment phrases cancelled out, and
 *   1 − 2^(−w/10) when there are none (a longer text without any sentiment word is better
 *   evidence of neutrality than a two-word one; empty text gives 0.5).
 * For a polar label, a larger |score| or more agreeing phrases never lower confidence; for
 * neutral, a score nearer 0, more cancelling phrases or more sentiment-free words never lower it.
 * Rounded to 3 decimals. On the UCI sentences, polar accuracy rises with it: 72% in
 * [0.5, 0.6), 89% in [0.6, 0.8), 94% in [0.8, 0.9), 95% from 0.9 (`npm run eval:sentiment`).
 */
export function analyzeSentiment(text: string, options?: SentimentOptions): SentimentResult {
  const nlp = getNlp();
  const its = nlp.its;
  lastMatches = null;
  const doc = nlp.readDoc(text);
  const raw = doc.out(its.sentiment);
  const docScore = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
  // Fallback if the hook did not run (model shape changed): one "phrase" per scored sentence.
  const matches =
    lastMatches ??
    (doc.sentences().out(its.sentiment) as unknown[]).filter(
      (s): s is number => typeof s === 'number' && s !== 0,
    );

  const score = round3(Math.max(-1, Math.min(1, docScore)));
  const sentiment = labelFor(score);
  const result: SentimentResult = {
    sentiment,
    score,
    confidence: confidenceFor(sentiment, score, matches, () => countWords(doc, nlp)),
  };
  if (options?.includeKeywords === true) result.keywords = extractKeywords(doc, nlp);
  return result;
}

function confidenceFor(
  label: SentimentLabel,
  score: number,
  matches: readonly number[],
  wordCount: () => number,
): number {
  const n = matches.length;
  let sum = 0;
  let absSum = 0;
  for (const v of matches) {
    sum += v;
    absSum += Math.abs(v);
  }
  const agreement = absSum > 0 ? Math.abs(sum) / absSum : 0;
  const phraseSupport = 1 - 2 ** -n;
  let margin: number;
  let support: number;
  if (label === 'neutral') {
    const t = Math.min(SENTIMENT_THRESHOLDS.positive, -SENTIMENT_THRESHOLDS.negative);
    margin = clamp01(1 - Math.abs(score) / t);
    support = n > 0 ? (1 - agreement) * phraseSupport : 1 - 2 ** (-wordCount() / NEUTRAL_HALF_SUPPORT_WORDS);
  } else {
    const t = label === 'positive' ? SENTIMENT_THRESHOLDS.positive : -SENTIMENT_THRESHOLDS.negative;
    margin = clamp01((Math.abs(score) - t) / (SCORE_SATURATION - t));
    support = agreement * phraseSupport;
  }
  return round3(0.5 + 0.5 * margin * clamp01(support));
}

type WinkDoc = ReturnType<WinkMethods['readDoc']>;

function countWords(doc: WinkDoc, nlp: WinkMethods): number {
  let words = 0;
  for (const type of doc.tokens().out(nlp.its.type)) if (type === 'word') words += 1;
  return words;
}

/**
 * Mask placeholders such as [EMAIL], [CREDIT_CARD], <PHONE> or {{PERSON}} are tokenised by wink
 * as bracket, upper-case part(s), bracket. Returns a flag per token: true inside a placeholder.
 */
function placeholderTokens(values: readonly string[]): boolean[] {
  const inside = values.map(() => false);
  const closers: Readonly<Record<string, string>> = { '[': ']', '<': '>', '{': '}' };
  for (let i = 0; i < values.length; i += 1) {
    const close = closers[values[i] ?? ''];
    if (close === undefined) continue;
    let j = i + 1;
    while (j < values.length && j - i <= 8 && /^[A-Z0-9_-]+$/.test(values[j] ?? '')) j += 1;
    if (j > i + 1 && values[j] === close) {
      for (let k = i + 1; k < j; k += 1) inside[k] = true;
      i = j;
    }
  }
  return inside;
}

/** Up to 5 lemmas of nouns, proper nouns and adjectives by frequency (ties: first seen). */
function extractKeywords(doc: WinkDoc, nlp: WinkMethods): string[] {
  const its = nlp.its;
  const tokens = doc.tokens();
  const values = tokens.out(its.value);
  const types = tokens.out(its.type);
  const pos = tokens.out(its.pos);
  const stop = tokens.out(its.stopWordFlag) as unknown[];
  // wink's typings declare lemma with (index, rdd, addons), which does not fit ItsFunction.
  const lemmas = tokens.out(its.lemma as ItsFunction<string>);
  const masked = placeholderTokens(values);

  const counts = new Map<string, number>(); // Map keeps first-seen order for ties
  for (let i = 0; i < values.length; i += 1) {
    if (masked[i] === true || types[i] !== 'word' || stop[i] === true) continue;
    if (!KEYWORD_POS.has(pos[i] ?? '')) continue;
    const lemma = (lemmas[i] ?? '').toLowerCase();
    // At least two characters and one letter: drops stray "s", "_", numbers-only tokens.
    if (lemma.length < 2 || !/\p{L}/u.test(lemma)) continue;
    counts.set(lemma, (counts.get(lemma) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1]) // stable sort keeps first-seen order among equal counts
    .slice(0, MAX_KEYWORDS)
    .map(([lemma]) => lemma);
}
