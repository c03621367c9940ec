import { describe, expect, it } from 'vitest';
import { CodeBytes } from '../src/pii/code-bytes.ts';
import { forEachZone, newZoneShape, zoneAt, type ZoneShape } from '../src/pii/zones.ts';
import { seeded } from './support/seeded-random.ts';

const zonesOf = (text: string): ZoneShape[] => {
  const out: ZoneShape[] = [];
  forEachZone(text, new CodeBytes().of(text), (z) => out.push({ ...z }));
  return out;
};
const spans = (text: string): string[] => zonesOf(text).map((z) => text.slice(z.start, z.end));

/** The zones by their definition: maximal chains of digit runs joined by 1–3 join characters. */
function reference(text: string): ZoneShape[] {
  const out: ZoneShape[] = [];
  for (const m of text.matchAll(/[0-9]+(?:[ \-./():+\u00a0]{1,3}[0-9]+)*/g)) {
    const z = m[0];
    const start = m.index;
    const runs = z.match(/[0-9]+/g) ?? [];
    const joins = z.match(/[^0-9]+/g) ?? [];
    const single = (j: string | undefined): string | null => (j === ' ' || j === '-' ? j : null);
    let cardChain = 0;
    let chain = 0;
    runs.forEach((r, k) => {
      chain = k > 0 && single(joins[k - 1]) === null ? r.length : chain + r.length;
      cardChain = Math.max(cardChain, chain);
    });
    const ssnShaped =
      runs.some((r) => r.length === 9) ||
      runs.some((r, k) => k >= 2 && r.length === 4 && runs[k - 1]?.length === 2 && runs[k - 2]?.length === 3 && single(joins[k - 1]) !== null && joins[k - 1] === joins[k - 2]);
    const shape: ZoneShape = {
      start,
      end: start + z.length,
      digits: runs.join('').length,
      runs: runs.length,
      dots: (z.match(/\./g) ?? []).length,
      colonOrPlus: /[:+]/.test(z),
      cardChain,
      ssnShaped,
      ibanHead: /(?<![A-Za-z0-9_])[A-Za-z]{2}$/.test(text.slice(0, start)) && /^[0-9]{2}/.test(z),
    };
    if (z.length >= 7 || shape.ibanHead) out.push(shape);
  }
  return out;
}

describe('numeric zones', () => {
  it('are digit runs joined by one to three of space - . / ( ) : + NBSP', () => {
    expect(spans('call (415) 555-2671, or 1.2.3.4 at 12:30:45 +44 20 7946 0958')).toEqual([
      '415) 555-2671',
      '1.2.3.4',
      '12:30:45 +44 20 7946 0958',
    ]);
    // A comma ends a zone; four joins in a row split one.
    expect(spans('1234567,7654321 and 123    4567890')).toEqual(['1234567', '7654321', '4567890']);
  });

  it('short zones are left out unless they hold an IBAN head', () => {
    expect(spans('ids 12 34, v1.2 and x123456')).toEqual([]);
    expect(zonesOf('GB82 WEST 1234 5698 7654 32').map((z) => [z.start, z.end, z.ibanHead])).toEqual([
      [2, 4, true],
      [10, 27, false],
    ]);
    // Not inside an ASCII word (hex, base64, identifiers); other scripts are the validator's call.
    expect(zonesOf('xGB82 _gb12 a1ab12 éGB82 (DE89').map((z) => z.start)).toEqual([22, 28]);
  });

  it('measure what the validators ask', () => {
    const [card, ssn, ip, phone] = zonesOf('4111 1111 1111 1111 x 123-45-6789 x 10.0.0.1 x +1 (415) 555-2671');
    expect(card).toMatchObject({ digits: 16, runs: 4, cardChain: 16, dots: 0, ssnShaped: false });
    expect(ssn).toMatchObject({ digits: 9, runs: 3, ssnShaped: true, cardChain: 9 });
    expect(ip).toMatchObject({ digits: 5, runs: 4, dots: 3, colonOrPlus: false, cardChain: 2 });
    expect(phone).toMatchObject({ digits: 11, runs: 4, colonOrPlus: false, cardChain: 7 });
    expect(zonesOf('12:30:45 9+1234567')[0]).toMatchObject({ colonOrPlus: true, runs: 5 });
    // Mixed separators are no SSN's shape; nine digits alone are.
    expect(zonesOf('123-45 6789 x 123 456789012')[0]).toMatchObject({ ssnShaped: false });
    expect(zonesOf('x 987654321')[0]).toMatchObject({ ssnShaped: true });
  });

  it('zoneAt gives the zone holding a digit, short or long', () => {
    const text = 'ab 12, call 415-555 2671 x';
    const z = newZoneShape();
    const codes = new CodeBytes().of(text);
    zoneAt(codes, text.indexOf('555') + 1, z);
    expect(text.slice(z.start, z.end)).toBe('415-555 2671');
    expect(z).toMatchObject({ digits: 10, runs: 3, cardChain: 10 });
    zoneAt(codes, 4, z);
    expect(text.slice(z.start, z.end)).toBe('12');
  });

  it('an IBAN head or a zone just past the look-ahead after a zone is found', () => {
    for (let gap = 0; gap < 24; gap++) {
      for (const next of ['GB12 3', 'x 1234567', 'ab12']) {
        const text = `1234567${'y'.repeat(gap)}${next}`;
        expect(zonesOf(text), text).toEqual(reference(text));
      }
    }
  });

  it('match their definition on dense, sparse and mixed random text', () => {
    const rand = seeded(15);
    const pieces = ['0', '12', '345', '6789', '12345', ' ', '-', '.', '/', '(', ')', ':', '+', '\u00a0', '    ', ',', 'ab', 'GB', 'x', ' the quick brown fox ', 'é', '\n'];
    for (let t = 0; t < 3000; t++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => pieces[Math.floor(rand() * pieces.length)]).join('');
      expect(zonesOf(text), JSON.stringify(text)).toEqual(reference(text));
    }
  });
});
