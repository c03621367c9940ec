import { describe, expect, it } from 'vitest';
// Plain JSON import: bundled by vite (Node and workerd pools alike), no file-system access at run time.
import amazon from 'sentiment/test/fixtures/amazon.json';
import { analyzeSentiment, SENTIMENT_THRESHOLDS } from '../src/analysis/sentiment.ts';

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
    'Great screen but terrible battery.', // opposing sentiment cancels out
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

  it('more agreeing sentiment phrases raise confidence', () => {
    const one = analyzeSentiment('The food was great.');
    const three = analyzeSentiment('The food was great, the staff were great and the view was great.');
    expect(three.score).toBe(one.score);
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

describe('analyzeSentiment: accuracy on UCI Amazon reviews (regression floor)', () => {
  // Kotzias et al. 2015 via the `sentiment` package's fixtures; the last record is empty.
  const rows = (amazon as Array<{ text: string; class: number | null }>).filter(
    (r): r is { text: string; class: number } => r.text !== '' && (r.class === 0 || r.class === 1),
  );

  it('has the expected 1,000 labelled sentences', () => {
    expect(rows).toHaveLength(1000);
  });

  it('accuracy (neutral counts as wrong) and accuracy on polar verdicts', () => {
    let correct = 0;
    let neutral = 0;
    for (const r of rows) {
      const label = analyzeSentiment(r.text).sentiment;
      if (label === 'neutral') neutral += 1;
      else if ((label === 'positive') === (r.class === 1)) correct += 1;
    }
    // Measured: 0.754 overall, 0.918 on the 82.1% that get a polar label.
    expect(correct / rows.length).toBeGreaterThanOrEqual(0.73);
    expect(correct / (rows.length - neutral)).toBeGreaterThanOrEqual(0.9);
    expect(neutral / rows.length).toBeLessThanOrEqual(0.2);
  });
});
