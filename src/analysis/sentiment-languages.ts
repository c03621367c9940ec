/**
 * Spanish, French, German, Italian, Portuguese and Dutch: the lexicons, stemmers and accent
 * folding of NLP.js's language packages (@nlpjs/lang-xx, MIT; senticon for es/de, the Pattern
 * lexicons for fr/it/nl, AFINN for pt), combined by the same rules as English
 * (./sentiment-rules.ts) with each language's negators, contrast words, degree adverbs and
 * request openers, plus a small customer vocabulary per language.
 *
 * @nlpjs/sentiment's own analyzer is not used: its tokenizer memoises every text it sees for an
 * hour (unbounded memory in a long-lived isolate) and its negation flips every word after it to
 * the end of the text. The stemmers memoise every word too, so their memo is emptied every
 * STEM_MEMO_LIMIT words.
 */
import { NormalizerDe, SentimentDe, StemmerDe } from '@nlpjs/lang-de';
import { NormalizerEs, SentimentEs, StemmerEs } from '@nlpjs/lang-es';
import { NormalizerFr, SentimentFr, StemmerFr } from '@nlpjs/lang-fr';
import { NormalizerIt, SentimentIt, StemmerIt } from '@nlpjs/lang-it';
import { NormalizerNl, SentimentNl, StemmerNl } from '@nlpjs/lang-nl';
import { NormalizerPt, SentimentPt, StemmerPt } from '@nlpjs/lang-pt';
import { normaliseForAnalysis } from './normalise-text.ts';
import type { SentimentResult } from './sentiment.ts';
import {
  buildVocabulary,
  confidenceFor,
  findPhrases,
  labelFor,
  round3,
  scoreTokens,
  type LanguageWords,
  type Vocabulary,
} from './sentiment-rules.ts';

export const SENTIMENT_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl'] as const;
type OtherLanguage = Exclude<(typeof SENTIMENT_LANGUAGES)[number], 'en'>;

const STEM_MEMO_LIMIT = 50_000;
const TO_VADER_SCALE = 4;

interface LanguageSpec {
  stemmer: new () => NlpjsStemmer;
  normalizer: new () => NlpjsNormalizer;
  data: NlpjsSentimentData;
  /** Space-separated, accents folded, lower case. */
  negators: string;
  contrast: string;
  contrastOpeners: string;
  concessions: string;
  boosters: string;
  dampeners: string;
  /** Sentence openers that make a request: one or two words. */
  requests: string;
  refusals: string;
  resolutions: string;
  /** Customer vocabulary on VADER's scale, folded words. */
  vocabulary: ReadonlyArray<readonly [string, number]>;
}

const SPECS: Readonly<Record<OtherLanguage, LanguageSpec>> = {
  es: {
    stemmer: StemmerEs, normalizer: NormalizerEs, data: SentimentEs,
    negators: 'no nunca jamas ni sin nada nadie ningun ninguna tampoco',
    contrast: 'pero embargo aunque', contrastOpeners: 'pero', concessions: 'aunque',
    boosters: 'muy super realmente totalmente increiblemente tan mucho bastante', dampeners: 'algo poco apenas',
    requests: 'por_favor podrian podria pueden puede quisiera necesito me_gustaria',
    refusals: 'negaron nego rechazaron', resolutions: 'resolvieron resolvio solucionaron soluciono arreglaron arreglo',
    vocabulary: [],
  },
  fr: {
    stemmer: StemmerFr, normalizer: NormalizerFr, data: SentimentFr,
    negators: 'ne n pas jamais rien aucun aucune personne sans ni',
    contrast: 'mais cependant pourtant toutefois', contrastOpeners: 'mais cependant pourtant', concessions: 'bien_que quoique meme_si',
    boosters: 'tres vraiment tellement super absolument completement trop vivement', dampeners: 'peu assez plutot',
    requests: 'merci_de pourriez pouvez veuillez je_voudrais j_aimerais',
    refusals: 'refuse refusent', resolutions: 'resolu resolue regle reglee repare reparee',
    vocabulary: [],
  },
  de: {
    stemmer: StemmerDe, normalizer: NormalizerDe, data: SentimentDe,
    negators: 'nicht kein keine keinen keinem keiner nie niemals niemand nichts ohne',
    contrast: 'aber jedoch doch allerdings obwohl', contrastOpeners: 'aber jedoch allerdings', concessions: 'obwohl',
    boosters: 'sehr wirklich total absolut extrem echt ganz so', dampeners: 'etwas kaum ziemlich',
    requests: 'bitte konnen konnten ich_mochte ich_brauche wurden',
    refusals: 'verweigert abgelehnt', resolutions: 'gelost behoben repariert erledigt',
    vocabulary: [],
  },
  it: {
    stemmer: StemmerIt, normalizer: NormalizerIt, data: SentimentIt,
    negators: 'non mai nessuno niente nulla senza ne',
    contrast: 'ma pero tuttavia', contrastOpeners: 'ma pero tuttavia', concessions: 'anche_se sebbene benche',
    boosters: 'molto davvero veramente tanto super assolutamente proprio', dampeners: 'poco abbastanza',
    requests: 'per_favore potreste potete vorrei ho_bisogno',
    refusals: 'rifiutato rifiutano', resolutions: 'risolto risolta sistemato riparato',
    vocabulary: [],
  },
  pt: {
    stemmer: StemmerPt, normalizer: NormalizerPt, data: SentimentPt,
    negators: 'nao nunca jamais nem sem nada ninguem nenhum nenhuma',
    contrast: 'mas porem contudo embora', contrastOpeners: 'mas porem contudo', concessions: 'embora',
    boosters: 'muito realmente super totalmente tao bastante', dampeners: 'pouco algo',
    requests: 'por_favor poderiam podem gostaria preciso',
    refusals: 'recusaram recusou', resolutions: 'resolveram resolveu resolvido arranjaram',
    vocabulary: [],
  },
  nl: {
    stemmer: StemmerNl, normalizer: NormalizerNl, data: SentimentNl,
    negators: 'niet geen nooit niemand niets zonder',
    contrast: 'maar echter hoewel toch', contrastOpeners: 'maar echter', concessions: 'hoewel',
    boosters: 'zeer erg echt heel super ontzettend enorm hartstikke', dampeners: 'beetje nauwelijks vrij',
    requests: 'graag kunt kunnen wilt ik_wil ik_zou alstublieft',
    refusals: 'weigerde weigerden', resolutions: 'opgelost gerepareerd verholpen',
    vocabulary: [],
  },
};

interface LanguagePack {
  stemmer: NlpjsStemmer;
  stems: number;
  normalizer: NlpjsNormalizer;
  lexicon: Readonly<Record<string, number>>;
  scale: number;
  stemmed: boolean;
  words: LanguageWords;
  vocabulary: Vocabulary;
}

const words = (list: string): Set<string> => new Set(list.split(' ').filter((w) => w !== ''));

/** Two-word entries are written with "_" and matched on consecutive tokens. */
function opensWith(list: string): (lower: readonly string[], start: number) => boolean {
  const set = words(list);
  return (lower, start) => set.has(lower[start] ?? '') || set.has(`${lower[start] ?? ''}_${lower[start + 1] ?? ''}`);
}

function buildPack(spec: LanguageSpec): LanguagePack {
  const { data } = spec;
  // NLP.js's own preference order when a language ships several lexicons.
  const [lexicon, scale] = data.senticon ? [data.senticon, 1] : data.pattern ? [data.pattern, 1] : [data.afinn ?? {}, 1 / 5];
  const normalizer = new spec.normalizer();
  const fold = (w: string): string => normalizer.normalize(w);
  return {
    stemmer: new spec.stemmer(),
    stems: 0,
    normalizer,
    lexicon,
    scale: scale * TO_VADER_SCALE,
    stemmed: data.stemmed !== false,
    words: {
      negators: new Set([...words(spec.negators), ...data.negations.words.map(fold)]),
      clauseBoundaries: words(`, ; : ${spec.contrast}`),
      contrast: words(spec.contrast),
      contrastOpeners: words(spec.contrastOpeners),
      opensConcession: opensWith(spec.concessions),
      boosters: words(spec.boosters),
      dampeners: words(spec.dampeners),
      refusals: words(spec.refusals),
      resolutions: words(spec.resolutions),
      opensRequest: opensWith(spec.requests),
    },
    vocabulary: buildVocabulary(spec.vocabulary),
  };
}

const packs = new Map<OtherLanguage, LanguagePack>();

export function isOtherLanguage(language: string): language is OtherLanguage {
  return Object.hasOwn(SPECS, language);
}

const TOKEN = /[\p{L}\p{N}]+|[,;:!?.]/gu;
const SENTENCE_END: ReadonlySet<string> = new Set(['.', '!', '?']);
const PUNCTUATION: ReadonlySet<string> = new Set([',', ';', ':', '!', '?', '.']);
const isWord = (token: string): boolean => !PUNCTUATION.has(token);

function stem(pack: LanguagePack, word: string): string {
  pack.stems += 1;
  if (pack.stems > STEM_MEMO_LIMIT) {
    pack.stemmer.cache = {};
    pack.stems = 0;
  }
  return pack.stemmer.stemWord(word);
}

export function analyzeOtherLanguage(text: string, language: OtherLanguage): SentimentResult {
  let pack = packs.get(language);
  if (pack === undefined) {
    pack = buildPack(SPECS[language]);
    packs.set(language, pack);
  }
  const lower = pack.normalizer.normalize(normaliseForAnalysis(text)).match(TOKEN) ?? [];
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < lower.length; i += 1) {
    const ends = SENTENCE_END.has(lower[i] ?? '') && !SENTENCE_END.has(lower[i + 1] ?? '');
    if (ends || i === lower.length - 1) {
      spans.push([start, i]);
      start = i + 1;
    }
  }
  const { lexicon, scale, words: languageWords } = pack;
  const current = pack;
  const phrases = findPhrases(lower, pack.vocabulary, [], (i) => {
    const word = lower[i] ?? '';
    if (!isWord(word) || languageWords.boosters.has(word) || languageWords.dampeners.has(word) || languageWords.negators.has(word)) return undefined;
    const value = lexicon[current.stemmed ? stem(current, word) : word] ?? lexicon[word];
    return value === undefined || value === 0 ? undefined : value * scale;
  });
  const scored = scoreTokens({ lower, values: null, spans, isWord }, phrases, languageWords);
  const score = round3(Math.max(-1, Math.min(1, scored.score)));
  const sentiment = labelFor(score);
  return { sentiment, score, confidence: confidenceFor(sentiment, score, scored) };
}
