/**
 * The language-independent half of the analyzer: how valued phrases combine into a score, a
 * label and a confidence. Each language supplies tokens (lower case, punctuation kept as tokens),
 * sentence spans, valued phrases and its word lists; see ./sentiment.ts for the rules in order.
 */
export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/**
 * `score >= positive` → positive, `score <= negative` → negative, otherwise neutral: VADER's
 * cut-offs for its compound score. `npm run eval:sentiment` prints a sweep on the UCI
 * development half.
 */
export const SENTIMENT_THRESHOLDS: { readonly positive: number; readonly negative: number } =
  Object.freeze({ positive: 0.05, negative: -0.05 });

// VADER's constants (Hutto & Gilbert 2014), on its [-4, 4] scale.
const N_SCALAR = -0.74;
const B_INCR = 0.293;
const C_INCR = 0.733;
const EXCLAMATION_INCR = 0.292;
const NORMALISE_ALPHA = 15;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
const REQUEST_OR_QUESTION = 0.3;
const NEGATOR_WINDOW = 3;
const RESOLUTION_WINDOW = 4;
/** A malfunction: a function verb within this many tokens of a negator or failure verb, same clause. */
const MALFUNCTION_WINDOW = 3;
/** Value of a malfunction phrase: a clear complaint, like "stopped working" in the vocabulary. */
const MALFUNCTION_VALUE = -2.2;

export const round3 = (x: number): number => Math.round(x * 1000) / 1000 + 0; // + 0 turns -0 into 0
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

export function labelFor(score: number): SentimentLabel {
  if (score >= SENTIMENT_THRESHOLDS.positive) return 'positive';
  if (score <= SENTIMENT_THRESHOLDS.negative) return 'negative';
  return 'neutral';
}

/** A run of tokens with one value on VADER's scale; `customer` = from a customer vocabulary. */
export interface Phrase {
  first: number;
  last: number;
  value: number;
  customer: boolean;
  /** A malfunction phrase carries its own negation: "personne ne répond" is not negated twice. */
  settled?: boolean;
}

export interface LanguageWords {
  negators: ReadonlySet<string>;
  /** "without": negates only the word right after it ("without warning, cancelled" is no praise). */
  shortNegators: ReadonlySet<string>;
  /** Where a negation's scope ends. */
  clauseBoundaries: ReadonlySet<string>;
  /** "but": the clause after it decides. */
  contrast: ReadonlySet<string>;
  /** "but"/"however" opening a sentence: the sentences before it weigh less. */
  contrastOpeners: ReadonlySet<string>;
  /** "although" opening a sentence: its first clause (up to the comma) weighs less. */
  opensConcession(lower: readonly string[], start: number): boolean;
  boosters: ReadonlySet<string>;
  dampeners: ReadonlySet<string>;
  /** Verbs that negate what follows ("refused to honour"). */
  refusals: ReadonlySet<string>;
  /** Verbs after which a complaint word is no longer one ("fixed the problem"). */
  resolutions: ReadonlySet<string>;
  opensRequest(lower: readonly string[], start: number): boolean;
  /** English only: "can't recommend it enough" (emphasis), "not bad at all" (stronger). */
  emphasisAfterNegation?: string;
  strongerAfterNegation?: readonly [string, string];
  /**
   * Verbs of a product doing its job (work, charge, turn on; funciona, s'allume, geht an). Near a
   * negator or a failure verb ("won't turn on", "stopped charging", "geht nicht mehr an") they
   * describe a malfunction: see {@link malfunctionSpans}.
   */
  isFunctionVerb(lower: readonly string[], i: number): boolean;
  /** Negators and failure verbs that make a function verb a malfunction ("not", "stopped", "nicht"). */
  failureTriggers: ReadonlySet<string>;
  /** German and Dutch negate after the verb ("funktioniert nicht", "werkt niet"). */
  negatesAfterVerb: boolean;
  /**
   * English only: a positive phrase compared against the item under review ("sound better than
   * these", "more intelligent than this movie") praises something else, so it counts as negation.
   */
  comparedAgainstItem?(lower: readonly string[], last: number, end: number): boolean;
}

export interface TokenView {
  /** Lower-case tokens, punctuation included (",", "!", "?" are read by the rules). */
  lower: readonly string[];
  /** Tokens as written, when capitals are worth checking; null otherwise. */
  values: readonly string[] | null;
  /** [first, last] token of each sentence, in order. */
  spans: ReadonlyArray<ArrayLike<number>>;
  /** A tagger's own negation flag for token i (wink's for English): extends the negator window. */
  negationFlag?: (i: number) => boolean;
  isWord(token: string): boolean;
}

export interface Scored {
  score: number;
  /** Phrases that still carry a value after the rules, by direction. */
  positive: number;
  negative: number;
  words: number;
}

/**
 * A negator must come before the phrase with no clause boundary between: within three tokens
 * (VADER's window), or further when the tagger flags the phrase as negated. Verbs of refusal
 * negate what follows them the same way.
 */
function isNegated(p: Phrase, view: TokenView, words: LanguageWords, sentenceStart: number): boolean {
  for (let k = p.first - 1; k >= sentenceStart; k -= 1) {
    const word = view.lower[k] ?? '';
    if (words.clauseBoundaries.has(word)) return false;
    if (words.refusals.has(word)) return true;
    if (words.shortNegators.has(word) && k === p.first - 1) return true;
    if (words.negators.has(word) && (p.first - k <= NEGATOR_WINDOW || view.negationFlag?.(p.first) === true)) return true;
  }
  return false;
}

function isResolved(p: Phrase, lower: readonly string[], words: LanguageWords, sentenceStart: number): boolean {
  if (p.value >= 0) return false;
  for (let k = p.first - 1; k >= Math.max(sentenceStart, p.first - RESOLUTION_WINDOW); k -= 1) {
    if (words.resolutions.has(lower[k] ?? '')) return true;
  }
  return false;
}

/** Degree adverbs, capitals, negation scope. */
function scalePhrase(p: Phrase, view: TokenView, words: LanguageWords, start: number, end: number, shouting: boolean): number {
  const { lower, values } = view;
  let v = p.value;
  if (v === 0 || isResolved(p, lower, words, start)) return 0;
  for (let d = 1; d <= 2; d += 1) {
    const at = p.first - d;
    if (at < start) break;
    const word = lower[at] ?? '';
    const boost = words.boosters.has(word) ? B_INCR : words.dampeners.has(word) ? -B_INCR : 0;
    v += sign(v) * boost * (d === 1 ? 1 : 0.95);
  }
  if (values !== null && !shouting) {
    const word = values[p.first] ?? '';
    if (word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase()) v += sign(v) * C_INCR;
  }
  if (v > 0 && words.comparedAgainstItem?.(lower, p.last, end) === true) v *= N_SCALAR;
  if (p.settled !== true && isNegated(p, view, words, start)) {
    const emphasisWord = words.emphasisAfterNegation;
    const [strong1, strong2] = words.strongerAfterNegation ?? ['', ''];
    let emphasis = emphasisWord !== undefined && (lower[p.first - 1] === emphasisWord || lower[p.first - 2] === emphasisWord);
    let stronger = false;
    for (let k = p.last + 1; k <= Math.min(end, p.last + 5); k += 1) {
      // "can't recommend it enough" ends its clause; "could not get strong enough signal" does not.
      if (lower[k] === emphasisWord && (k === end || !view.isWord(lower[k + 1] ?? ''))) emphasis = true;
      if (strong1 !== '' && lower[k] === strong1 && lower[k + 1] === strong2) stronger = true;
    }
    if (emphasis && v > 0) v *= 1.5;
    else v *= N_SCALAR * (stronger ? 1.25 : 1);
  }
  return v;
}

/**
 * Combines the phrases (sorted by first token) sentence by sentence and normalises the sum.
 * Documented step by step in ./sentiment.ts.
 */
export function scoreTokens(view: TokenView, phrases: readonly Phrase[], words: LanguageWords): Scored {
  const { lower, values } = view;
  let wordCount = 0;
  let shouting = values !== null;
  for (let i = 0; i < lower.length; i += 1) {
    if (!view.isWord(lower[i] ?? '')) continue;
    wordCount += 1;
    const v = values?.[i] ?? '';
    if (shouting && v !== v.toUpperCase()) shouting = false; // a word with a lower-case letter
  }
  shouting &&= wordCount > 0;
  const sentenceSums: number[] = [];
  let positive = 0;
  let negative = 0;
  let p = 0;
  for (const span of view.spans) {
    const start = span[0] ?? 0;
    const end = span[1] ?? -1;
    // Contrast pivot: phrases before it weigh CONTRAST_BEFORE, after it CONTRAST_AFTER.
    let pivot = -1;
    if (words.opensConcession(lower, start)) {
      for (let k = start + 1; k <= end; k += 1) if (lower[k] === ',') { pivot = k; break; }
    } else {
      // An opening "but"/"however" is a pivot too: the whole sentence is the clause after it.
      for (let k = start; k <= end; k += 1) if (words.contrast.has(lower[k] ?? '')) pivot = k;
    }
    if (words.contrastOpeners.has(lower[start] ?? '')) {
      for (let s = 0; s < sentenceSums.length; s += 1) sentenceSums[s] = (sentenceSums[s] ?? 0) * CONTRAST_BEFORE;
    }
    const softened = words.opensRequest(lower, start) || lower[end] === '?' || (lower[end] !== '.' && lower[end - 1] === '?');
    let sum = 0;
    while (p < phrases.length && (phrases[p]?.first ?? Infinity) <= end) {
      const phrase = phrases[p] as Phrase;
      p += 1;
      if (phrase.first < start) continue;
      let v = scalePhrase(phrase, view, words, start, end, shouting);
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
  return { score: total / Math.sqrt(total * total + NORMALISE_ALPHA), positive, negative, words: wordCount };
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
export function confidenceFor(label: SentimentLabel, score: number, scored: Scored): number {
  if (label !== 'neutral') {
    const mixed = (score > 0 ? scored.negative : scored.positive) > 0;
    return round3(Math.max(0.5, interpolate(POLAR_CALIBRATION, Math.abs(score)) * (mixed ? 0.9 : 1)));
  }
  const margin = 1 - Math.abs(score) / SENTIMENT_THRESHOLDS.positive;
  const support = scored.positive + scored.negative > 0 ? 0.5 : 1 - 2 ** (-scored.words / 6);
  return round3(0.5 + 0.45 * Math.max(0, margin) * support);
}

/**
 * The malfunction rule: a product described as not doing its job is a complaint, whatever the
 * product ("the dishwasher won't drain", "la cafetera no enciende", "die App startet nicht"). A
 * function verb with a failure trigger (negator or failure verb) up to MALFUNCTION_WINDOW tokens
 * before it or (languages that negate after the verb: "funktioniert nicht", "werkt niet") after it, with no
 * clause boundary between, is one phrase spanning both, valued MALFUNCTION_VALUE. "not only" is
 * no negation. Returns [first, last, value] spans for {@link findPhrases}.
 */
/** Tokens are lower case here: a-z or any letter beyond Latin-1's symbols (a regex per token costs more). */
const startsWithLetter = (word: string): boolean => {
  const c = word.charCodeAt(0);
  return (c >= 97 && c <= 122) || c >= 0xc0;
};

export function malfunctionSpans(lower: readonly string[], words: LanguageWords): Array<[number, number, number]> {
  const spans: Array<[number, number, number]> = [];
  const isTrigger = (k: number): boolean => {
    return words.failureTriggers.has(lower[k] ?? '') && lower[k + 1] !== 'only';
  };
  let after = -1;
  for (let i = 0; i < lower.length; i += 1) {
    if (i <= after || !words.isFunctionVerb(lower, i)) continue;
    let trigger = -1;
    for (let k = i - 1; k >= Math.max(0, i - MALFUNCTION_WINDOW); k -= 1) {
      if (words.clauseBoundaries.has(lower[k] ?? '') || !startsWithLetter(lower[k] ?? '')) break;
      if (isTrigger(k)) { trigger = k; break; }
    }
    if (trigger < 0 && words.negatesAfterVerb) {
      for (let k = i + 1; k <= Math.min(lower.length - 1, i + MALFUNCTION_WINDOW); k += 1) {
        if (words.clauseBoundaries.has(lower[k] ?? '') || !startsWithLetter(lower[k] ?? '')) break;
        if (isTrigger(k)) { trigger = k; break; }
      }
    }
    if (trigger < 0) continue;
    spans.push([Math.min(trigger, i), Math.max(trigger, i), MALFUNCTION_VALUE]);
    after = Math.max(trigger, i);
  }
  return spans;
}

/** First word → entries starting with it, longest first (the longest match wins). */
export type Vocabulary = ReadonlyMap<string, ReadonlyArray<{ words: readonly string[]; value: number }>>;

export function buildVocabulary(entries: ReadonlyArray<readonly [string, number]>): Vocabulary {
  const map = new Map<string, Array<{ words: readonly string[]; value: number }>>();
  for (const [phrase, value] of entries) {
    const words = phrase.split(' ');
    const first = words[0] ?? '';
    const list = map.get(first) ?? [];
    list.push({ words, value });
    list.sort((a, b) => b.words.length - a.words.length);
    map.set(first, list);
  }
  return map;
}

/** Scratch flags for phrase finding, reused: analysis is synchronous, so never shared mid-use. */
let covered = new Uint8Array(256);

/**
 * Step 1 of every language: `settled` spans (malfunctions, ratings: their value already final) first, then customer-vocabulary phrases (longest
 * match), then `spans` (wink's phrases), then `single(i)` for each token no phrase covers yet. Returns phrases sorted by first token.
 */
export function findPhrases(
  lower: readonly string[],
  vocabulary: Vocabulary,
  spans: ReadonlyArray<readonly [number, number, number]> = [],
  single?: (i: number) => number | undefined,
  settled: ReadonlyArray<readonly [number, number, number]> = [],
): Phrase[] {
  const n = lower.length;
  if (covered.length < n) covered = new Uint8Array(n * 2);
  covered.fill(0, 0, n);
  const phrases: Phrase[] = [];
  // Malfunctions and ratings first: "won't turn on" is one complaint, not "turn on" negated.
  for (const [first, last, value] of settled) {
    for (let k = first; k <= last; k += 1) covered[k] = 1;
    phrases.push({ first, last, value, customer: true, settled: true });
  }
  for (let i = 0; i < n; i += 1) {
    const entries = vocabulary.get(lower[i] ?? '');
    if (entries === undefined || covered[i] === 1) continue;
    const hit = entries.find((e) => e.words.every((w, k) => lower[i + k] === w && covered[i + k] === 0));
    if (hit === undefined) continue;
    const last = i + hit.words.length - 1;
    for (let k = i; k <= last; k += 1) covered[k] = 1;
    phrases.push({ first: i, last, value: hit.value, customer: true });
    i = last;
  }
  for (const [first, last, value] of spans) {
    let free = true;
    for (let k = first; k <= last && free; k += 1) free = covered[k] === 0;
    if (!free) continue;
    for (let k = first; k <= last; k += 1) covered[k] = 1;
    phrases.push({ first, last, value, customer: false });
  }
  if (single !== undefined) {
    for (let i = 0; i < n; i += 1) {
      if (covered[i] === 1) continue;
      const value = single(i);
      if (value !== undefined) phrases.push({ first: i, last: i, value, customer: false });
    }
  }
  return phrases.sort((a, b) => a.first - b.first);
}
