/**
 * English sentiment: wink-nlp's tokens, negation and lexicon, plus VADER's rules and lexicon and a
 * customer-text vocabulary. Pure TypeScript, so the same module runs in workerd, vitest and Node.
 *
 * How the signals combine (all on VADER's valence scale, [-4, 4] per phrase):
 * 1. Phrases. Each token run gets at most one value, by precedence: the customer vocabulary
 *    (./customer-lexicon.ts; longest match; it overrides the others, and its 0 entries silence
 *    words that are not opinions in customer text, e.g. "please", "support", "like"), then wink's
 *    matched phrases (words, emoji, emoticons, idioms: wink value × 4), then VADER's lexicon
 *    (vader-sentiment, 7,500 words and emoticons) for single words neither covered.
 * 2. Per phrase: a VADER degree adverb up to two words before it scales it (booster +0.293,
 *    dampener −0.293, ×0.95 at distance 2, sign-aware), an ALL-CAPS word in mixed-case text adds
 *    0.733; wink's negation flag multiplies by −0.74 (VADER's N_SCALAR), except that a negated
 *    positive followed by "enough" is emphasis ("can't recommend it enough": ×1.5, not flipped),
 *    and "at all" after a negated phrase strengthens it by 1.25 ("not bad at all").
 * 3. Contrast: in a sentence with "but"/"however"/"yet"/"although"/"though", phrases before the
 *    last one weigh 0.5 and those after 1.5 (VADER's "but" rule); a sentence opening with
 *    "although"/"though"/"even though"/"while" instead weighs its first clause (up to the comma)
 *    0.5 and the rest 1.5; a sentence opening with "but"/"however" halves the sentences before it.
 * 4. Requests and questions: a sentence opening with "please", "could/can/would you", "kindly",
 *    "I would like", … or ending in "?" keeps 0.3 of its general-lexicon sentiment (customer
 *    vocabulary keeps all of it: "please fix it, it keeps crashing" is still a complaint).
 * 5. Emphasis: each "!" (up to 4) adds 0.292 in the sentence's direction.
 * 6. Document: S = Σ sentences; score = S / √(S² + 15), VADER's normalisation, in (−1, 1).
 * Label: score ≥ 0.05 positive, ≤ −0.05 negative, otherwise neutral (VADER's cut-offs).
 */
import winkNLP from 'wink-nlp';
import type { ItsFunction, Model, WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { lexicon as VADER_LEXICON } from 'vader-sentiment/src/vader_lexicon.js';
import { CUSTOMER_LEXICON } from './customer-lexicon.ts';
import { normaliseForAnalysis } from './normalise-text.ts';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentResult {
  sentiment: SentimentLabel;
  /** Document sentiment in [-1, 1], rounded to 3 decimals. */
  score: number;
  /** In [0.5, 1]: the expected accuracy of the label. Defined at {@link confidenceFor}. */
  confidence: number;
  /** Only when `includeKeywords` is set: up to 5 lowercased lemmas, most frequent first. */
  keywords?: string[];
}

export interface SentimentOptions {
  includeKeywords?: boolean;
  /** ISO 639-1 code; English when absent. */
  language?: string;
}

/**
 * `score >= positive` → positive, `score <= negative` → negative, otherwise neutral: VADER's
 * cut-offs for its compound score. `npm run eval:sentiment` prints a sweep on the UCI
 * development half.
 */
export const SENTIMENT_THRESHOLDS: { readonly positive: number; readonly negative: number } =
  Object.freeze({ positive: 0.05, negative: -0.05 });

const MAX_KEYWORDS = 5;
const KEYWORD_POS: ReadonlySet<string> = new Set(['NOUN', 'PROPN', 'ADJ']);

// VADER's constants (Hutto & Gilbert 2014), on its [-4, 4] scale.
const N_SCALAR = -0.74;
const C_INCR = 0.733;
const EXCLAMATION_INCR = 0.292;
const NORMALISE_ALPHA = 15;
const WINK_TO_VADER = 4;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
const REQUEST_OR_QUESTION = 0.3;

// VADER's degree adverbs (vaderSentiment.js BOOSTER_DICT; that module cannot be imported as ESM).
const BOOSTERS: ReadonlySet<string> = new Set(('absolutely amazingly awfully completely considerably decidedly deeply ' +
  'enormously entirely especially exceptionally extremely fabulously fully greatly highly hugely incredibly intensely ' +
  'majorly more most particularly purely quite really remarkably so substantially thoroughly totally tremendously ' +
  'uber unbelievably unusually utterly very super truly').split(' '));
const DAMPENERS: ReadonlySet<string> = new Set(('almost barely hardly kinda less little marginally occasionally partly ' +
  'scarcely slightly somewhat sorta').split(' '));
const B_INCR = 0.293;

// Matched against wink's normal forms, where every "n't"/"nt" contraction is already "not".
const NEGATORS: ReadonlySet<string> = new Set('not no never nobody none nothing neither nor cannot without hardly barely rarely seldom'.split(' '));
const CLAUSE_BOUNDARIES: ReadonlySet<string> = new Set([',', ';', ':', '-', 'and', 'but', 'or', 'because', 'which']);
const REFUSALS: ReadonlySet<string> = new Set(['refused', 'refuses', 'refuse', 'unable', 'failed', 'fails']);
const RESOLUTIONS: ReadonlySet<string> = new Set(['fixed', 'resolved', 'solved', 'sorted', 'repaired', 'fixes', 'resolves', 'solves']);
const LIKE_SUBJECTS: ReadonlySet<string> = new Set(['i', 'we', 'you', 'they', 'she', 'he', 'will', 'would', 'really', 'also', 'do', 'did', 'definitely', 'not']);

const HAS_CAPITALS = /\p{Lu}\p{Lu}/u;

const CONTRAST: ReadonlySet<string> = new Set(['but', 'however', 'yet', 'although', 'though']);
const CONCESSIVE_OPENERS: ReadonlySet<string> = new Set(['although', 'though', 'even', 'while', 'despite']);
const REQUEST_OPENERS: ReadonlySet<string> = new Set(['please', 'kindly', 'could', 'can', 'would', 'will', 'pls', 'plz']);
const REQUEST_PAIRS: ReadonlySet<string> = new Set(['i would', 'i need', 'we need', 'i want', 'we would']);

// --- wink internals we hook into (pinned wink-nlp 2.4.0 / wink-eng-lite-web-model 1.8.1) ---
// wink exposes only averaged scores; the rules need each matched phrase with its tokens, so we
// wrap the model's sentiment setter and record them. readDoc is synchronous, so a module-level
// buffer cannot be interleaved between requests in the same isolate.
type SaMatch = number[]; // [firstToken, lastToken, value * 1000]
/** wink's raw document: tokens flattened tkSize numbers each, sentences as [start, end, …]. */
interface SaRawDoc {
  tokens: ArrayLike<number>;
  sentences: ReadonlyArray<ArrayLike<number>>;
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

/** What the last readDoc's sentiment step saw: its phrase matches (unnegated values in [-1, 1]). */
interface WinkView {
  /** [first token, last token, value in [-1, 1]] per matched phrase. */
  matches: SaMatch[];
  rdd: SaRawDoc | null;
  constants: SaConstants | null;
}
let last: WinkView = { matches: [], rdd: null, constants: null };

function withMatchRecorder(base: Model): Model {
  const sa: unknown = base.sa;
  if (typeof sa !== 'function') return base;
  const loadSa = sa as () => SaModule;
  const recordingSa = (): SaModule => {
    const inner = loadSa();
    return {
      machines: inner.machines,
      setter: (px, rdd, constants, locate) => {
        // The inner setter rescales px's values in place to [-1, 1]; keep px as it leaves them. The
        // token array also carries wink's negation flags and the sentence spans, so no per-token
        // out() pass is needed for them.
        inner.setter(px, rdd, constants, locate);
        last.matches = px;
        last.rdd = rdd;
        last.constants = constants;
      },
    };
  };
  // Copy rather than mutate: the model object is shared with any other wink user in the bundle.
  return Object.assign(Object.create(null) as Model, base, { sa: recordingSa });
}

function resetRecording(): void {
  last.matches = [];
  last.rdd = null;
  last.constants = null;
}

function negationFlag(i: number): boolean {
  const { rdd, constants } = last;
  if (rdd === null || constants === null) return false;
  return (rdd.tokens[i * constants.tkSize + 3] ?? 0) >= constants.negationFlag;
}

/** Letters or digits first: words and numbers, not punctuation, symbols or emoji. */
function isWord(value: string): boolean {
  const c = value.charCodeAt(0);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 0xc0 && c < 0x2000);
}

let scorer: WinkMethods | undefined;
let tagger: WinkMethods | undefined;

/** Compiling a pipeline's automata takes tens of milliseconds: once per isolate, lazily. */
function getNlp(withPos: boolean): WinkMethods {
  // Part-of-speech tagging is only needed for keywords and costs more than the rest together.
  if (withPos) {
    tagger ??= winkNLP(withMatchRecorder(model), ['sbd', 'negation', 'sentiment', 'pos']);
    return tagger;
  }
  scorer ??= winkNLP(withMatchRecorder(model), ['sbd', 'negation', 'sentiment']);
  return scorer;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000 + 0; // + 0 turns -0 into 0
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

function labelFor(score: number): SentimentLabel {
  if (score >= SENTIMENT_THRESHOLDS.positive) return 'positive';
  if (score <= SENTIMENT_THRESHOLDS.negative) return 'negative';
  return 'neutral';
}

interface Phrase {
  first: number;
  last: number;
  value: number;
  customer: boolean;
}

/** Scratch flags for findPhrases, reused: analysis is synchronous, so never shared mid-use. */
let covered = new Uint8Array(256);

/** Step 1: at most one valued phrase per token run, customer vocabulary first. */
function findPhrases(lower: readonly string[]): Phrase[] {
  const n = lower.length;
  if (covered.length < n) covered = new Uint8Array(n * 2);
  covered.fill(0, 0, n);
  const phrases: Phrase[] = [];
  for (let i = 0; i < n; i += 1) {
    const entries = CUSTOMER_LEXICON.get(lower[i] ?? '');
    if (entries === undefined) continue;
    const hit = entries.find((e) => e.words.every((w, k) => lower[i + k] === w));
    if (hit === undefined) continue;
    const last = i + hit.words.length - 1;
    for (let k = i; k <= last; k += 1) covered[k] = 1;
    phrases.push({ first: i, last, value: hit.value, customer: true });
    i = last;
  }
  for (const [first = 0, lastToken = 0, value = 0] of last.matches) {
    let free = true;
    for (let k = first; k <= lastToken && free; k += 1) free = covered[k] === 0;
    if (!free) continue;
    for (let k = first; k <= lastToken; k += 1) covered[k] = 1;
    phrases.push({ first, last: lastToken, value: value * WINK_TO_VADER, customer: false });
  }
  for (let i = 0; i < n; i += 1) {
    if (covered[i] === 1 || !isWord(lower[i] ?? '')) continue;
    // "like" is an opinion after its subject ("I really like it"), a preposition otherwise.
    if (lower[i] === 'like' && (lower[i + 1] === 'to' || !LIKE_SUBJECTS.has(lower[i - 1] ?? '') && !LIKE_SUBJECTS.has(lower[i - 2] ?? ''))) continue;
    const word = lower[i] ?? '';
    if (BOOSTERS.has(word) || DAMPENERS.has(word)) continue; // degree adverbs scale, they are not opinions
    const value = VADER_LEXICON[word];
    if (value !== undefined) phrases.push({ first: i, last: i, value, customer: false });
  }
  return phrases;
}

/** Step 2: degree adverbs, capitals, negation scope. */
function scalePhrase(p: Phrase, lower: readonly string[], values: readonly string[] | null, sentenceStart: number, sentenceEnd: number, shouting: boolean): number {
  let v = p.value;
  if (v === 0 || isResolved(p, lower, sentenceStart)) return 0;
  for (let d = 1; d <= 2; d += 1) {
    const at = p.first - d;
    if (at < sentenceStart) break;
    const word = lower[at] ?? '';
    const boost = BOOSTERS.has(word) ? B_INCR : DAMPENERS.has(word) ? -B_INCR : 0;
    v += sign(v) * boost * (d === 1 ? 1 : 0.95);
  }
  if (values !== null && !shouting) {
    const word = values[p.first] ?? '';
    if (word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase()) v += sign(v) * C_INCR;
  }
  if (isNegated(p, lower, sentenceStart)) {
    let emphasis = false;
    let atAll = false;
    if (lower[p.first - 1] === 'enough' || lower[p.first - 2] === 'enough') emphasis = true;
    for (let k = p.last + 1; k <= Math.min(sentenceEnd, p.last + 5); k += 1) {
      if (lower[k] === 'enough') emphasis = true;
      if (lower[k] === 'at' && lower[k + 1] === 'all') atAll = true;
    }
    if (emphasis && v > 0) v *= 1.5;
    else v *= N_SCALAR * (atAll ? 1.25 : 1);
  }
  return v;
}

/**
 * wink's flag says a negation is in force; its scope is cut at the clause: the negator must come
 * before the phrase with no clause boundary (",", ";", "and", "but", …) between ("didn't show up
 * and nobody called": only "show up" is negated). VADER's window adds negators wink misses up to
 * three tokens before ("never going back", "barely edible"). Verbs of refusal negate what follows
 * them the same way ("refused to honour").
 */
function isNegated(p: Phrase, lower: readonly string[], sentenceStart: number): boolean {
  for (let k = p.first - 1; k >= sentenceStart; k -= 1) {
    const word = lower[k] ?? '';
    if (CLAUSE_BOUNDARIES.has(word)) return false;
    if (REFUSALS.has(word)) return true;
    if (NEGATORS.has(word) && (p.first - k <= 3 || negationFlag(p.first))) return true;
  }
  return false;
}

/** After a resolution verb its object is no longer a complaint: "fixed the login problem". */
function isResolved(p: Phrase, lower: readonly string[], sentenceStart: number): boolean {
  if (p.value >= 0) return false;
  for (let k = p.first - 1; k >= Math.max(sentenceStart, p.first - 4); k -= 1) if (RESOLUTIONS.has(lower[k] ?? '')) return true;
  return false;
}

function opensRequest(lower: readonly string[], start: number): boolean {
  const first = lower[start] ?? '';
  if (REQUEST_OPENERS.has(first)) {
    return first === 'please' || first === 'kindly' || first === 'pls' || first === 'plz' ||
      lower[start + 1] === 'you' || lower[start + 1] === 'someone' || lower[start + 1] === 'i';
  }
  return REQUEST_PAIRS.has(`${first} ${lower[start + 1] ?? ''}`) &&
    (lower[start + 2] === 'like' || lower[start + 2] === 'to' || lower[start + 1] === 'need');
}

interface Scored {
  score: number;
  /** Phrase values after the rules, for confidence. */
  /** Phrases that still carry a value after the rules, by direction. */
  positive: number;
  negative: number;
  words: number;
}

/**
 * `lower`: wink's normal forms (lower case, contractions expanded); `values`: the tokens as
 * written, only when the text has capitals worth checking (two in a row), else null.
 */
function scoreDoc(lower: readonly string[], values: readonly string[] | null, spans: ReadonlyArray<ArrayLike<number>>): Scored {
  let words = 0;
  let shouting = values !== null;
  for (let i = 0; i < lower.length; i += 1) {
    if (!isWord(lower[i] ?? '')) continue;
    words += 1;
    const v = values?.[i] ?? '';
    if (shouting && v !== v.toUpperCase()) shouting = false; // a word with a lower-case letter
  }
  shouting &&= words > 0;
  const phrases = findPhrases(lower).sort((a, b) => a.first - b.first);
  const sentenceSums: number[] = [];
  let positive = 0;
  let negative = 0;
  let p = 0;
  for (const span of spans) {
    const start = span[0] ?? 0;
    const end = span[1] ?? -1;
    // Contrast pivot: phrases before it weigh CONTRAST_BEFORE, after it CONTRAST_AFTER.
    let pivot = -1;
    const opener = lower[start] ?? '';
    if (CONCESSIVE_OPENERS.has(opener) && (opener !== 'even' || lower[start + 1] === 'though')) {
      for (let k = start + 1; k <= end; k += 1) if (lower[k] === ',') { pivot = k; break; }
    } else {
      for (let k = start + 1; k <= end; k += 1) if (CONTRAST.has(lower[k] ?? '')) pivot = k;
    }
    if ((opener === 'but' || opener === 'however') && sentenceSums.length > 0) {
      for (let s = 0; s < sentenceSums.length; s += 1) sentenceSums[s] = (sentenceSums[s] ?? 0) * CONTRAST_BEFORE;
    }
    const softened = opensRequest(lower, start) || lower[end] === '?' || (lower[end] !== '.' && lower[end - 1] === '?');
    let sum = 0;
    while (p < phrases.length && (phrases[p]?.first ?? Infinity) <= end) {
      const phrase = phrases[p] as Phrase;
      p += 1;
      if (phrase.first < start) continue;
      let v = scalePhrase(phrase, lower, values, start, end, shouting);
      if (pivot >= 0) v *= phrase.first < pivot ? CONTRAST_BEFORE : CONTRAST_AFTER;
      if (softened && !phrase.customer) v *= REQUEST_OR_QUESTION;
      if (v > 0) positive += 1;
      else if (v < 0) negative += 1;
      sum += v;
    }
    let bangs = 0;
    for (let k = start; k <= end; k += 1) if (lower[k] === '!') bangs += 1;
    sum += sign(sum) * Math.min(bangs, 4) * EXCLAMATION_INCR;
    sentenceSums.push(sum);
  }
  const total = sentenceSums.reduce((a, b) => a + b, 0);
  return { score: total / Math.sqrt(total * total + NORMALISE_ALPHA), positive, negative, words };
}

/** Analyse one text. */
export function analyzeSentiment(text: string, options?: SentimentOptions): SentimentResult {
  const withKeywords = options?.includeKeywords === true;
  const nlp = getNlp(withKeywords);
  const its = nlp.its;
  resetRecording();
  const doc = nlp.readDoc(normaliseForAnalysis(text));
  const tokens = doc.tokens();
  const lower = tokens.out(its.normal);
  const values = HAS_CAPITALS.test(text) ? tokens.out(its.value) : null;
  // Fallback if the hook did not run (model shape changed): wink's own sentence spans.
  const spans = last.rdd?.sentences ?? (doc.sentences().out(its.span) as unknown as Array<[number, number]>);
  const scored = scoreDoc(lower, values, spans);
  const score = round3(Math.max(-1, Math.min(1, scored.score)));
  const sentiment = labelFor(score);
  const result: SentimentResult = { sentiment, score, confidence: confidenceFor(sentiment, score, scored) };
  if (withKeywords) result.keywords = extractKeywords(doc, nlp);
  return result;
}

/**
 * Polar labels: |score| → observed polar accuracy on the UCI development half, pooled to be
 * non-decreasing (isotonic) and interpolated linearly between these knots. So confidence 0.85
 * means "about 85 % of labels like this one were right" (eval prints it by decile, held-out).
 */
const POLAR_CALIBRATION: ReadonlyArray<readonly [number, number]> = [
  [0.05, 0.75], [0.3, 0.76], [0.45, 0.855], [0.55, 0.86], [0.65, 0.93], [0.8, 0.95], [0.9, 0.99], [1, 0.99],
];

function interpolate(knots: ReadonlyArray<readonly [number, number]>, x: number): number {
  let prev = knots[0] ?? [0, 0];
  if (x <= prev[0]) return prev[1];
  for (let i = 1; i < knots.length; i += 1) {
    const next = knots[i] ?? prev;
    if (x <= next[0]) return prev[1] + ((next[1] - prev[1]) * (x - prev[0])) / (next[0] - prev[0]);
    prev = next;
  }
  return prev[1];
}

/**
 * Expected accuracy of the label, in [0.5, 1].
 * - positive/negative: {@link POLAR_CALIBRATION} of |score|, times 0.9 when phrases of the other
 *   direction were outweighed (mixed texts are wrong more often).
 * - neutral (no UCI counterpart, set by hand and checked on the customer set): 0.5 + 0.45 ×
 *   margin × support, margin = 1 − |score| / 0.05 and support = 1 − 2^(−w/6) for w words when
 *   no phrase carried sentiment, 0.5 when phrases cancelled out. Empty text gives 0.5.
 */
function confidenceFor(label: SentimentLabel, score: number, scored: Scored): number {
  if (label !== 'neutral') {
    const mixed = (score > 0 ? scored.negative : scored.positive) > 0;
    return round3(Math.max(0.5, interpolate(POLAR_CALIBRATION, Math.abs(score)) * (mixed ? 0.9 : 1)));
  }
  const margin = 1 - Math.abs(score) / SENTIMENT_THRESHOLDS.positive;
  const support = scored.positive + scored.negative > 0 ? 0.5 : 1 - 2 ** (-scored.words / 6);
  return round3(0.5 + 0.45 * Math.max(0, margin) * support);
}

type WinkDoc = ReturnType<WinkMethods['readDoc']>;

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
