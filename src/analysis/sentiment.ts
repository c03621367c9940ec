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
 * 1b. Malfunctions: a function verb (work, charge, turn on, drain…) within three tokens of a negator or
 *    a failure verb ("won't turn on", "stopped charging", "neither will charge") is one complaint
 *    phrase of −2.2, taking precedence over the vocabularies (./sentiment-rules.ts malfunctionSpans).
 *    Ratings ("9/10", "2 out of 10", "1 star", "four stars") likewise: (rating − 0.55) × 8, within ±3;
 *    and a wait ("took 40 minutes", "waited over 2 hours"; not "within 2 days") −1.6.
 * 2. Per phrase: a VADER degree adverb up to two words before it scales it (booster +0.293,
 *    dampener −0.293, ×0.95 at distance 2, sign-aware), an ALL-CAPS word in mixed-case text adds
 *    0.733; wink's negation flag multiplies by −0.74 (VADER's N_SCALAR), except that a negated
 *    positive followed by "enough" is emphasis ("can't recommend it enough": ×1.5, not flipped),
 *    and "at all" after a negated phrase strengthens it by 1.25 ("not bad at all"). A positive
 *    phrase compared against the item ("better than these", "more fun than this") is negated too.
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
import { analyzeOtherLanguage, isOtherLanguage } from './sentiment-languages.ts';
import {
  confidenceFor,
  findPhrases,
  labelFor,
  malfunctionSpans,
  round3,
  scoreTokens,
  type LanguageWords,
  type SentimentLabel,
} from './sentiment-rules.ts';

export { SENTIMENT_THRESHOLDS, type SentimentLabel } from './sentiment-rules.ts';
/** Languages `analyzeSentiment` accepts (ISO 639-1). */
export { SENTIMENT_LANGUAGES } from './sentiment-languages.ts';

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

const MAX_KEYWORDS = 5;
const KEYWORD_POS: ReadonlySet<string> = new Set(['NOUN', 'PROPN', 'ADJ']);

const WINK_TO_VADER = 4;
const HAS_CAPITALS = /\p{Lu}\p{Lu}/u;

// VADER's degree adverbs (vaderSentiment.js BOOSTER_DICT; that module cannot be imported as ESM).
const BOOSTERS: ReadonlySet<string> = new Set(('absolutely amazingly awfully completely considerably decidedly deeply ' +
  'enormously entirely especially exceptionally extremely fabulously fully greatly highly hugely incredibly intensely ' +
  'majorly more most particularly purely quite really remarkably so substantially thoroughly totally tremendously ' +
  'uber unbelievably unusually utterly very super truly').split(' '));
const DAMPENERS: ReadonlySet<string> = new Set(('almost barely hardly kinda less little marginally occasionally partly ' +
  'scarcely slightly somewhat sorta').split(' '));
/** "like" is an opinion after its subject ("I really like it"), a preposition otherwise. */
const LIKE_SUBJECTS: ReadonlySet<string> = new Set(['i', 'we', 'you', 'they', 'she', 'he', 'will', 'would', 'really', 'also', 'do', 'did', 'definitely', 'not']);
const REQUEST_OPENERS: ReadonlySet<string> = new Set(['please', 'kindly', 'could', 'can', 'would', 'will', 'pls', 'plz']);
const REQUEST_PAIRS: ReadonlySet<string> = new Set(['i would', 'i need', 'we need', 'i want', 'we would']);

/** What a product does when it works; near "not"/"stopped" they make a malfunction (./sentiment-rules.ts). */
const FUNCTION_VERBS: ReadonlySet<string> = new Set(('work works worked working function functions functioning ' +
  'operate operates turn turns turning switch start starts starting boot boots booting charge charges charging ' +
  'connect connects connecting pair pairs pairing sync syncs syncing load loads loading open opens opening ' +
  'close closes drain drains draining spin spins spinning heat heats heating cool cools cooling print prints ' +
  'printing respond responds responding stay stays hold holds fit fits install installs installing update updates ' +
  'updating save saves saving play plays playing ring rings lock locks locking flush flushes recognise recognises ' +
  'recognize recognizes detect detects register registers dispense dispenses flow flows power powers').split(' '));

const COMPARED_ITEMS: ReadonlySet<string> = new Set(['this', 'these', 'that', 'it', 'them', 'those']);

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map(
  'zero one two three four five six seven eight nine ten'.split(' ').map((word, n) => [word, n] as const),
);
const WAITING_VALUE = -1.6;
const RATING = /^(\d+(?:\.\d+)?)\/(5|10|100)$/;
/** A rating r in [0, 1] on VADER's scale: 0.9 → +2.8, 0.7 → +1.2, 0.5 → −0.4, 0.2 → −2.8 (clamped to ±3). */
const ratingValue = (r: number): number => Math.max(-3, Math.min(3, (r - 0.55) * 8));
const isDigit = (word: string): boolean => word.charCodeAt(0) >= 48 && word.charCodeAt(0) <= 57;
const numberAt = (word: string): number | undefined =>
  isDigit(word) ? (/^\d+(\.\d+)?$/.test(word) ? Number(word) : undefined) : NUMBER_WORDS.get(word);

const TIME_UNITS: ReadonlySet<string> = new Set('min mins minute minutes hour hours hr hrs day days week weeks month months'.split(' '));
const WAITING: ReadonlySet<string> = new Set('wait waited waiting took take takes taking sat sitting spent passed hold over still'.split(' '));
const SHORT: ReadonlySet<string> = new Set(['only', 'just', 'within', 'less', 'under', 'in']);
/** Waiting complaints: a waiting verb up to 4 tokens before "N minutes/hours/days…" ("took 40 minutes"). */
function waitingSpans(lower: readonly string[]): Array<[number, number, number]> {
  const spans: Array<[number, number, number]> = [];
  for (let i = 1; i < lower.length; i += 1) {
    if (!TIME_UNITS.has(lower[i] ?? '') || numberAt(lower[i - 1] ?? '') === undefined || SHORT.has(lower[i - 2] ?? '')) continue;
    for (let k = i - 2; k >= Math.max(0, i - 5); k -= 1) {
      if (SHORT.has(lower[k] ?? '')) break;
      if (WAITING.has(lower[k] ?? '')) {
        spans.push([i - 1, i, WAITING_VALUE]);
        break;
      }
    }
  }
  return spans;
}

/** Ratings: "9/10", "2 out of 10", "1 star", "four stars". Returns settled spans for findPhrases. */
function ratingSpans(lower: readonly string[]): Array<[number, number, number]> {
  const spans: Array<[number, number, number]> = [];
  for (let i = 0; i < lower.length; i += 1) {
    const word = lower[i] ?? '';
    const slash = isDigit(word) ? RATING.exec(word) : null;
    if (slash !== null) {
      const r = Number(slash[1]) / Number(slash[2]);
      if (r <= 1) spans.push([i, i, ratingValue(r)]);
      continue;
    }
    const n = numberAt(word);
    if (n === undefined) continue;
    const next = lower[i + 1] ?? '';
    if ((next === 'star' || next === 'stars') && n <= 5) {
      spans.push([i, i + 1, ratingValue(n / 5)]);
      i += 1;
    } else if (next === 'out' && lower[i + 2] === 'of') {
      const of = numberAt(lower[i + 3] ?? '');
      if (of !== undefined && of > 0 && n <= of && (of === 5 || of === 10)) {
        spans.push([i, i + 3, ratingValue(n / of)]);
        i += 3;
      }
    }
  }
  return spans;
}

// Matched against wink's normal forms, where every "n't"/"nt" contraction is already "not".
const ENGLISH: LanguageWords = {
  negators: new Set('not no never nobody none nothing neither nor cannot hardly barely rarely seldom'.split(' ')),
  shortNegators: new Set(['without']),
  // "or" keeps a negation going: "wasn't helpful or friendly" negates both.
  clauseBoundaries: new Set([',', ';', ':', '-', 'and', 'but', 'because', 'which']),
  contrast: new Set(['but', 'however', 'yet', 'although', 'though']),
  contrastOpeners: new Set(['but', 'however']),
  opensConcession: (lower, start) => {
    const first = lower[start] ?? '';
    return first === 'although' || first === 'though' || first === 'while' || first === 'despite' ||
      (first === 'even' && lower[start + 1] === 'though');
  },
  boosters: BOOSTERS,
  dampeners: DAMPENERS,
  refusals: new Set(['refused', 'refuses', 'refuse', 'unable', 'failed', 'fails']),
  resolutions: new Set(['fixed', 'resolved', 'solved', 'sorted', 'repaired', 'fixes', 'resolves', 'solves', 'replaced', 'replacing', 'exchanged']),
  opensRequest: (lower, start) => {
    const first = lower[start] ?? '';
    if (REQUEST_OPENERS.has(first)) {
      return first === 'please' || first === 'kindly' || first === 'pls' || first === 'plz' ||
        lower[start + 1] === 'you' || lower[start + 1] === 'someone' || lower[start + 1] === 'i';
    }
    return REQUEST_PAIRS.has(`${first} ${lower[start + 1] ?? ''}`) &&
      (lower[start + 2] === 'like' || lower[start + 2] === 'to' || lower[start + 1] === 'need');
  },
  emphasisAfterNegation: 'enough',
  strongerAfterNegation: ['at', 'all'],
  isFunctionVerb: (lower, i) => FUNCTION_VERBS.has(lower[i] ?? ''),
  // "no" is left out ("no charge for delivery"); "no longer works" is caught by "longer".
  failureTriggers: new Set(('not never neither nor cannot stopped stops quit ceased longer fails failed refuses ' +
    'refused unable').split(' ')),
  negatesAfterVerb: false,
  comparedAgainstItem: (lower, last, end) => {
    for (let k = last + 1; k <= Math.min(end - 1, last + 6); k += 1) {
      const word = lower[k] ?? '';
      if (word === ',' || word === ';' || word === 'but') return false;
      if (word === 'than') return COMPARED_ITEMS.has(lower[k + 1] ?? '');
    }
    return false;
  },
};

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


/** VADER's lexicon for a word no other source covered; degree adverbs and prepositional "like" excluded. */
function vaderValue(lower: readonly string[], i: number): number | undefined {
  const word = lower[i] ?? '';
  if (!isWord(word) || BOOSTERS.has(word) || DAMPENERS.has(word)) return undefined;
  if (word === 'like' && (lower[i + 1] === 'to' || (!LIKE_SUBJECTS.has(lower[i - 1] ?? '') && !LIKE_SUBJECTS.has(lower[i - 2] ?? '')))) return undefined;
  return VADER_LEXICON[word];
}

/** Analyse one text. `language` (ISO 639-1, default English) picks the lexicons and word lists. */
export function analyzeSentiment(text: string, options?: SentimentOptions): SentimentResult {
  const language = options?.language ?? 'en';
  const withKeywords = options?.includeKeywords === true;
  if (isOtherLanguage(language)) return analyzeOtherLanguage(text, language, withKeywords);
  if (language !== 'en') throw new RangeError('Unsupported language');
  const nlp = getNlp(withKeywords);
  const its = nlp.its;
  resetRecording();
  const doc = nlp.readDoc(normaliseForAnalysis(text));
  const tokens = doc.tokens();
  const lower = tokens.out(its.normal);
  const values = HAS_CAPITALS.test(text) ? tokens.out(its.value) : null;
  // Fallback if the hook did not run (model shape changed): wink's own sentence spans.
  const spans = last.rdd?.sentences ?? (doc.sentences().out(its.span) as unknown as Array<[number, number]>);
  const winkPhrases = last.matches.map((m): [number, number, number] => [m[0] ?? 0, m[1] ?? 0, (m[2] ?? 0) * WINK_TO_VADER]);
  const phrases = findPhrases(lower, CUSTOMER_LEXICON, winkPhrases, (i) => vaderValue(lower, i), [...malfunctionSpans(lower, ENGLISH), ...ratingSpans(lower), ...waitingSpans(lower)]);
  const scored = scoreTokens({ lower, values, spans, negationFlag, isWord }, phrases, ENGLISH);
  const score = round3(Math.max(-1, Math.min(1, scored.score)));
  const sentiment = labelFor(score);
  const result: SentimentResult = { sentiment, score, confidence: confidenceFor(sentiment, score, scored) };
  if (withKeywords) result.keywords = extractKeywords(doc, nlp);
  return result;
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
