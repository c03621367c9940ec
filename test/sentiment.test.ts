import { describe, expect, it } from 'vitest';
// Plain JSON import: bundled by vite (Node and workerd pools alike), no file-system access at run time.
import amazon from 'sentiment/test/fixtures/amazon.json';
import imdb from 'sentiment/test/fixtures/imdb.json';
import yelp from 'sentiment/test/fixtures/yelp.json';
import { MAX_ANALYSED_CHARS, MAX_CHUNK, normaliseForAnalysis } from '../src/analysis/normalise-text.ts';
import { analyzeSentiment, SENTIMENT_LANGUAGES, SENTIMENT_THRESHOLDS } from '../src/analysis/sentiment.ts';
import customerEn from './data/sentiment-customer-en.json';
import customerEs from './data/sentiment-customer-es.json';
import customerFr from './data/sentiment-customer-fr.json';
import customerDe from './data/sentiment-customer-de.json';
import customerIt from './data/sentiment-customer-it.json';
import customerPt from './data/sentiment-customer-pt.json';
import customerNl from './data/sentiment-customer-nl.json';
import { splitHalves } from './support/sentiment-split.ts';

const decimals = (x: number): number => (String(x).split('.')[1] ?? '').length;

describe('analyzeSentiment: labels', () => {
  it.each([
    'I love this product, it works great!',
    'Excellent quality and wonderful customer service.',
    'Not bad at all.', // negated negative
  ])('positive: %s', (text) => {
    const r = analyzeSentiment(text);
    expect(r.sentiment).toBe('positive');
    expect(r.score).toBeGreaterThanOrEqual(SENTIMENT_THRESHOLDS.positive);
  });

  it.each([
    'This is terrible. I hate it.',
    'The worst purchase I have ever made, a complete waste of money.',
    'It is not good.', // negated positive
  ])('negative: %s', (text) => {
    const r = analyzeSentiment(text);
    expect(r.sentiment).toBe('negative');
    expect(r.score).toBeLessThanOrEqual(SENTIMENT_THRESHOLDS.negative);
  });

  it.each([
    'The package arrived on Tuesday.',
    'The meeting is scheduled for 3 pm in room 4.',
    'Please send the invoice to the billing department.',
    'He called the support line on Friday morning.',
    'What are your opening hours on Sunday?',
  ])('neutral: %s', (text) => {
    const r = analyzeSentiment(text);
    expect(r.sentiment).toBe('neutral');
    expect(r.score).toBeGreaterThan(SENTIMENT_THRESHOLDS.negative);
    expect(r.score).toBeLessThan(SENTIMENT_THRESHOLDS.positive);
  });

  it('thresholds are symmetric and small', () => {
    expect(SENTIMENT_THRESHOLDS).toEqual({ positive: 0.05, negative: -0.05 });
  });
});

describe('analyzeSentiment: score and confidence', () => {
  const samples = [
    'I love this product!',
    'This is terrible. I hate it.',
    'Good case, excellent value, but the screen scratches easily. Shipping was slow.',
    'The package arrived on Tuesday.',
    'meh',
  ];

  it.each(samples)('score in [-1, 1] with at most 3 decimals, confidence in [0.5, 1]: %s', (text) => {
    const r = analyzeSentiment(text);
    expect(r.score).toBeGreaterThanOrEqual(-1);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(decimals(r.score)).toBeLessThanOrEqual(3);
    expect(r.confidence).toBeGreaterThanOrEqual(0.5);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(decimals(r.confidence)).toBeLessThanOrEqual(3);
    expect(Object.is(r.score, -0)).toBe(false);
  });

  it('strongly worded text gets higher confidence than weakly worded text', () => {
    const strongPos = analyzeSentiment('Absolutely wonderful! Excellent quality, I love it. Best purchase ever.');
    const weakPos = analyzeSentiment('It is fine, I guess.');
    expect(strongPos.sentiment).toBe('positive');
    expect(weakPos.sentiment).toBe('positive');
    expect(strongPos.confidence).toBeGreaterThan(weakPos.confidence);

    const strongNeg = analyzeSentiment('Horrible, awful, disgusting. I hate it.');
    const weakNeg = analyzeSentiment('The battery is a bit weak.');
    expect(strongNeg.sentiment).toBe('negative');
    expect(weakNeg.sentiment).toBe('negative');
    expect(strongNeg.confidence).toBeGreaterThan(weakNeg.confidence);
  });

  it('more agreeing sentiment phrases raise score and confidence', () => {
    const one = analyzeSentiment('The food was great.');
    const three = analyzeSentiment('The food was great, the staff were great and the view was great.');
    expect(three.score).toBeGreaterThan(one.score);
    expect(three.confidence).toBeGreaterThan(one.confidence);
  });

  it('mixed sentiment lowers confidence of a polar label', () => {
    const pure = analyzeSentiment('The food was great and the staff were friendly.');
    const mixed = analyzeSentiment('The food was great but the staff were rude.');
    expect(pure.confidence).toBeGreaterThan(mixed.confidence);
  });

  it('neutral text without sentiment words: defined confidence that grows with length', () => {
    const short = analyzeSentiment('Arrived Tuesday.');
    const long = analyzeSentiment(
      'The package arrived on Tuesday and was delivered to the front desk of the building by the courier at noon.',
    );
    expect(short.sentiment).toBe('neutral');
    expect(long.sentiment).toBe('neutral');
    expect(short.confidence).toBeGreaterThan(0.5);
    expect(long.confidence).toBeGreaterThan(short.confidence);
  });

  it('is deterministic', () => {
    const text = 'Good case, excellent value.';
    expect(analyzeSentiment(text, { includeKeywords: true })).toEqual(
      analyzeSentiment(text, { includeKeywords: true }),
    );
  });
});

describe('analyzeSentiment: keywords', () => {
  const text =
    'The battery life of this phone is amazing. The battery charges fast and the phone camera is sharp.';

  it('are absent unless requested', () => {
    expect(analyzeSentiment(text)).not.toHaveProperty('keywords');
    expect(analyzeSentiment(text, { includeKeywords: false })).not.toHaveProperty('keywords');
  });

  it('are lemmatised, lowercased, deduped, most frequent first, at most 5', () => {
    const { keywords } = analyzeSentiment(text, { includeKeywords: true });
    expect(keywords).toBeDefined();
    const kw = keywords ?? [];
    expect(kw.length).toBeGreaterThan(0);
    expect(kw.length).toBeLessThanOrEqual(5);
    expect(kw.slice(0, 2).sort()).toEqual(['battery', 'phone']);
    expect(new Set(kw).size).toBe(kw.length);
    for (const k of kw) expect(k).toBe(k.toLowerCase());
    for (const stop of ['the', 'this', 'is', 'and', 'of']) expect(kw).not.toContain(stop);
  });

  it('lemmatise plurals', () => {
    const { keywords } = analyzeSentiment('Batteries die. The batteries are bad batteries.', {
      includeKeywords: true,
    });
    expect(keywords?.[0]).toBe('battery');
  });

  it('never include PII placeholders', () => {
    const masked =
      'Contact [EMAIL] or [EMAIL] or [PHONE] or [PHONE]. [PERSON] loved the [CREDIT_CARD] offer; ' +
      'see [EMAIL_ADDRESS] <EMAIL> {{PERSON}} [US_SSN] [IP_ADDRESS].';
    const { keywords } = analyzeSentiment(masked, { includeKeywords: true });
    const kw = keywords ?? [];
    for (const bad of ['email', 'phone', 'person', 'credit', 'card', 'credit_card', 'us', 'ssn', 'ip', 'address']) {
      expect(kw).not.toContain(bad);
    }
    expect(kw.join(' ')).not.toMatch(/[[\]<>{}_]/);
    expect(kw).toContain('offer');
  });

  it('keep the ordinary word when it is not a placeholder', () => {
    const { keywords } = analyzeSentiment('Your email about the phone was helpful. [EMAIL]', {
      includeKeywords: true,
    });
    expect(keywords).toContain('email');
    expect(keywords).toContain('phone');
  });
});

describe('analyzeSentiment: awkward input', () => {
  it.each([
    ['empty', ''],
    ['whitespace', '   \n\t  '],
    ['punctuation', '?!... ---'],
    ['placeholders only', '[EMAIL] [PHONE]'],
  ])('%s: neutral, score 0, confidence 0.5, no keywords', (_name, text) => {
    const r = analyzeSentiment(text, { includeKeywords: true });
    expect(r).toEqual({ sentiment: 'neutral', score: 0, confidence: expect.any(Number), keywords: [] });
    expect(r.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('empty text has confidence exactly 0.5', () => {
    expect(analyzeSentiment('').confidence).toBe(0.5);
  });

  it('emoji carry sentiment', () => {
    expect(analyzeSentiment('😀😀').sentiment).toBe('positive');
    expect(analyzeSentiment('😡').sentiment).toBe('negative');
  });

  it('handles 10,000 characters without throwing', () => {
    const long = 'The service was great and the food was bad, said [PERSON] at [EMAIL]. '.repeat(200).slice(0, 10_000);
    expect(long).toHaveLength(10_000);
    const r = analyzeSentiment(long, { includeKeywords: true });
    expect(r.score).toBeGreaterThanOrEqual(-1);
    expect(r.score).toBeLessThanOrEqual(1);
    expect(r.keywords?.length).toBeLessThanOrEqual(5);
    expect(r.keywords).toContain('service');
    expect(r.keywords).not.toContain('email');
  });

  it('handles a 10,000-character run without spaces', () => {
    expect(() => analyzeSentiment('a'.repeat(10_000), { includeKeywords: true })).not.toThrow();
  });
});

describe('analyzeSentiment: rules', () => {
  const label = (text: string): string => analyzeSentiment(text).sentiment;

  it('contrast: the clause after "but"/"however"/"although" decides', () => {
    expect(label('It looks nice, but it stopped working after a week.')).toBe('negative');
    expect(label('Great screen but terrible battery.')).toBe('negative');
    expect(label('Terrible battery but a great screen.')).toBe('positive');
    expect(label('The staff were lovely. However, the room was dirty.')).toBe('negative');
    expect(label('Although the box was damaged, the phone works perfectly.')).toBe('positive');
  });

  it('negation scope', () => {
    expect(label('Not bad at all.')).toBe('positive');
    expect(label("I can't recommend it enough 😍")).toBe('positive');
    expect(label("Can't say enough good things about this place.")).toBe('positive');
    expect(label('It is not good.')).toBe('negative');
    expect(label("The technician didn't show up and nobody called.")).toBe('negative');
    expect(label('Never going back.')).toBe('negative');
    expect(label('They refused to honour the warranty.')).toBe('negative');
  });

  it('degree adverbs and emphasis strengthen, dampeners weaken', () => {
    const score = (text: string): number => analyzeSentiment(text).score;
    expect(score('The food was very good.')).toBeGreaterThan(score('The food was good.'));
    expect(score('The food was good!!')).toBeGreaterThan(score('The food was good.'));
    expect(score('The food was GOOD.')).toBeGreaterThan(score('The food was good.'));
    expect(score('The food was slightly good.')).toBeLessThan(score('The food was good.'));
  });

  it('requests and questions keep a complaint but drop politeness', () => {
    expect(label('Could you reset my password please?')).toBe('neutral');
    expect(label("I'd like to add a second user to the account.")).toBe('neutral');
    expect(label('Please fix this, the app keeps crashing.')).toBe('negative');
  });

  it('customer complaints and praise without general sentiment words', () => {
    for (const text of ['The app keeps crashing every time I open it.', 'I waited an hour and the food was cold.', 'I was charged twice for the same order.']) {
      expect(label(text)).toBe('negative');
    }
    for (const text of ['The update fixed the login problem.', 'The parcel arrived early.', 'Five stars.']) {
      expect(label(text)).toBe('positive');
    }
  });

  it('malfunctions: a product not doing its job is a complaint, in any language', () => {
    for (const text of ["The toaster won't turn on.", 'My tablet stopped charging last night.', 'Neither remote will pair with the TV.', 'The dryer no longer heats.']) {
      expect(label(text)).toBe('negative');
    }
    expect(label('It works, no problems.')).toBe('positive');
    expect(label('No charge for delivery.')).toBe('neutral'); // "no" alone is not a malfunction trigger
    expect(analyzeSentiment('El horno no calienta.', { language: 'es' }).sentiment).toBe('negative');
    expect(analyzeSentiment('Le routeur ne se connecte plus.', { language: 'fr' }).sentiment).toBe('negative');
    expect(analyzeSentiment('Personne ne répond au téléphone.', { language: 'fr' }).sentiment).toBe('negative'); // not negated twice
    expect(analyzeSentiment('Der Fernseher startet nicht mehr.', { language: 'de' }).sentiment).toBe('negative'); // negator after the verb
    expect(analyzeSentiment('De router verbindt niet.', { language: 'nl' }).sentiment).toBe('negative');
  });

  it('inflections of the language vocabularies are found by stem, never a shorter word', () => {
    expect(analyzeSentiment('Los cables llegaron defectuosos.', { language: 'es' }).sentiment).toBe('negative');
    expect(analyzeSentiment("L'abonnement se renouvelle chaque mois.", { language: 'fr' }).sentiment).toBe('neutral'); // mois ≠ moisi
  });

  it('ratings, waits and comparisons against the item', () => {
    expect(label('I give this 9/10.')).toBe('positive');
    expect(label('Two out of ten.')).toBe('negative');
    expect(label('One star.')).toBe('negative');
    expect(label('We sat there for 45 minutes before anyone came.')).toBe('negative');
    expect(label('The parcel arrived within 2 days.')).not.toBe('negative');
    expect(label('My old charger works better than this one.')).toBe('negative');
    expect(label('It works better than expected.')).toBe('positive');
    // "enough" emphasises a negated praise only at the end of its clause.
    expect(analyzeSentiment('Could not get a strong enough signal.').score).toBeLessThan(analyzeSentiment("Can't recommend it enough.").score);
  });

  it('scores are ordered by strength', () => {
    const texts = ['absolutely wonderful, I love it', 'good', 'okay', 'bad', 'absolutely terrible, I hate it'];
    const scores = texts.map((t) => analyzeSentiment(t).score);
    for (let i = 1; i < scores.length; i += 1) expect(scores[i - 1]).toBeGreaterThan(scores[i] ?? 0);
    expect(analyzeSentiment('I love this product').score).toBeGreaterThan(analyzeSentiment("It's okay, nothing special").score);
  });

  it('languages: the supported list, and an unknown code is refused', () => {
    expect(SENTIMENT_LANGUAGES).toEqual(['en', 'es', 'fr', 'de', 'it', 'pt', 'nl']);
    expect(() => analyzeSentiment('hola', { language: 'xx' })).toThrow(RangeError);
    expect(analyzeSentiment("Je ne le recommande pas, c'est nul.", { language: 'fr' }).sentiment).toBe('negative');
    expect(analyzeSentiment('Es wirkte teuer, aber es ist jeden Euro wert.', { language: 'de' }).sentiment).toBe('positive');
  });
});

describe('normaliseForAnalysis: bounded work per text', () => {
  it('leaves ordinary text as it is', () => {
    const text = 'The food was great!! But the service... not so much. Call +1 415-555-0132 :)';
    expect(normaliseForAnalysis(text)).toBe(text);
  });

  it('cuts runs of one character to three, code points not code units', () => {
    expect(normaliseForAnalysis('-'.repeat(10_000))).toBe('---');
    expect(normaliseForAnalysis('sooooo good!!!!!!')).toBe('sooo good!!!');
    expect(normaliseForAnalysis('😀'.repeat(5_000))).toBe('😀😀😀');
  });

  it('cuts a whitespace-free chunk to its first 40 characters', () => {
    expect(normaliseForAnalysis('-~'.repeat(5_000))).toBe('-~'.repeat(MAX_CHUNK / 2));
    expect(normaliseForAnalysis(`ok ${'ab'.repeat(100)} fine`)).toBe(`ok ${'ab'.repeat(20)} fine`);
  });

  it('analyses at most the first 100,000 characters, cut at a space', () => {
    const out = normaliseForAnalysis('word '.repeat(300_000));
    expect(out.length).toBeLessThanOrEqual(MAX_ANALYSED_CHARS);
    expect(out.length).toBeGreaterThan(MAX_ANALYSED_CHARS - 10);
    expect(out).toMatch(/ word ?$/); // no word cut in half
  });

  it('pathological texts still get a verdict', () => {
    for (const text of ['-'.repeat(10_000), '~'.repeat(10_000), '😡'.repeat(5_000), 'a'.repeat(1024 * 1024)]) {
      expect(['positive', 'negative', 'neutral']).toContain(analyzeSentiment(text).sentiment);
    }
    expect(analyzeSentiment('😡'.repeat(5_000)).sentiment).toBe('negative');
  });
});

describe('analyzeSentiment: accuracy floors (figures: npm run eval:sentiment)', () => {
  type Fixture = Array<{ text: string; class: number | null }>;
  const heldout = [amazon, imdb, yelp].flatMap((rows) =>
    splitHalves((rows as Fixture).filter((r): r is { text: string; class: number } => r.text !== '' && (r.class === 0 || r.class === 1))).heldout,
  );

  // Measured 0.800 three-class (1,200 / 1,500), 0.897 polar: issue 16's 0.80 / 0.88.
  it('UCI held-out half: three-class ≥ 0.80, polar ≥ 0.89', () => {
    expect(heldout).toHaveLength(1500);
    let correct = 0;
    let neutral = 0;
    for (const r of heldout) {
      const label = analyzeSentiment(r.text).sentiment;
      if (label === 'neutral') neutral += 1;
      else if ((label === 'positive') === (r.class === 1)) correct += 1;
    }
    expect(correct / heldout.length).toBeGreaterThanOrEqual(0.8);
    expect(correct / (heldout.length - neutral)).toBeGreaterThanOrEqual(0.89);
  });

  interface LabelledSet {
    language: string;
    items: Array<{ text: string; gold: string }>;
  }
  it.each([
    [customerEn, 0.95],
    [customerEs, 0.85],
    [customerFr, 0.85],
    [customerDe, 0.85],
    [customerIt, 0.85],
    [customerPt, 0.85],
    [customerNl, 0.85],
  ] as Array<[LabelledSet, number]>)('customer set %#: three-class accuracy at least the floor', (set, floor) => {
    const right = set.items.filter((r) => analyzeSentiment(r.text, { language: set.language }).sentiment === r.gold).length;
    expect(right / set.items.length).toBeGreaterThanOrEqual(floor);
  });
});
