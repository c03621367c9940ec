// @nlpjs language packages ship CommonJS without types; these are the parts the analyzer uses.
interface NlpjsStemmer {
  stemWord(word: string): string;
  /** Per-word memo the stemmer keeps forever; the analyzer empties it to bound memory. */
  cache: Record<string, string>;
}
interface NlpjsStopwords {
  isStopword(word: string): boolean;
}
interface NlpjsNormalizer {
  normalize(text: string): string;
}
/** Lexicon values by (stemmed) word: senticon/pattern in [-1, 1], AFINN in [-5, 5]. */
interface NlpjsSentimentData {
  afinn?: Record<string, number>;
  pattern?: Record<string, number>;
  senticon?: Record<string, number>;
  negations: { words: string[] };
  stemmed?: boolean;
}

declare module '@nlpjs/lang-es' {
  export const StemmerEs: new () => NlpjsStemmer;
  export const NormalizerEs: new () => NlpjsNormalizer;
  export const StopwordsEs: new () => NlpjsStopwords;
  export const SentimentEs: NlpjsSentimentData;
}
declare module '@nlpjs/lang-fr' {
  export const StemmerFr: new () => NlpjsStemmer;
  export const NormalizerFr: new () => NlpjsNormalizer;
  export const StopwordsFr: new () => NlpjsStopwords;
  export const SentimentFr: NlpjsSentimentData;
}
declare module '@nlpjs/lang-de' {
  export const StemmerDe: new () => NlpjsStemmer;
  export const NormalizerDe: new () => NlpjsNormalizer;
  export const StopwordsDe: new () => NlpjsStopwords;
  export const SentimentDe: NlpjsSentimentData;
}
declare module '@nlpjs/lang-it' {
  export const StemmerIt: new () => NlpjsStemmer;
  export const NormalizerIt: new () => NlpjsNormalizer;
  export const StopwordsIt: new () => NlpjsStopwords;
  export const SentimentIt: NlpjsSentimentData;
}
declare module '@nlpjs/lang-pt' {
  export const StemmerPt: new () => NlpjsStemmer;
  export const NormalizerPt: new () => NlpjsNormalizer;
  export const StopwordsPt: new () => NlpjsStopwords;
  export const SentimentPt: NlpjsSentimentData;
}
declare module '@nlpjs/lang-nl' {
  export const StemmerNl: new () => NlpjsStemmer;
  export const NormalizerNl: new () => NlpjsNormalizer;
  export const StopwordsNl: new () => NlpjsStopwords;
  export const SentimentNl: NlpjsSentimentData;
}
