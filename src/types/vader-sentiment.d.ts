// vader-sentiment ships untyped ES modules; these are the two exports the analyzer reads.
declare module 'vader-sentiment/src/vader_lexicon.js' {
  /** Word or emoticon → mean human valence rating in [-4, 4]. */
  export const lexicon: Readonly<Record<string, number>>;
}
