import { describe, expect, it } from 'vitest';
import { findDatesOfBirth } from '../src/scan/date-of-birth.ts';
import { KeywordPass, type PassKeyword } from '../src/scan/keyword-pass.ts';

const kw = (text: string, folded = false, then = ''): PassKeyword => ({ text, folded, then });

/** Every position where a keyword begins, by a plain search: what the pass must find. */
function naive(text: string, keywords: readonly PassKeyword[]): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let at = 0; at < text.length; at++) {
    for (const k of keywords) {
      const word = text.slice(at, at + k.text.length);
      if ((k.folded ? word.toLowerCase() : word) !== k.text) continue;
      if (k.then && !k.then.includes(text.charAt(at + k.text.length))) continue;
      if ((text.charCodeAt(at) | text.charCodeAt(at + 1)) >= 128) continue;
      out.push([at, k.text]);
    }
  }
  return out;
}

describe('keyword pass', () => {
  const keywords = [kw('ghp_'), kw('aws', true), kw('SK', false, '0123456789abcdef'), kw('://'), kw('birth', true)];
  const pass = new KeywordPass(keywords);
  const found = (text: string): Array<[number, string]> => pass.starts(text).map((s) => [s.at, s.keyword.text]);

  it('finds keywords at even and odd positions, folded ones in any case, in position order', () => {
    for (const text of ['ghp_ x', ' ghp_', 'AWS aws aWs', 'xSKa SKz SK0 SKb', 'a://b', 'Birth BIRTH', 'xbirthghp_']) {
      expect(found(text)).toEqual(naive(text, keywords));
    }
  });

  it('keeps positions exact after characters of two, three and four UTF-8 bytes (surrogate pairs)', () => {
    for (const prefix of ['é', '€', '😀', '😀😀é', '\ud800', 'x😀']) {
      for (const text of [`${prefix}ghp_1 aws`, `${prefix} ghp_1 AWS`, `${prefix}${prefix}SK0 birth`]) {
        expect(found(text)).toEqual(naive(text, keywords));
        expect(found(text).length).toBeGreaterThan(0);
      }
    }
  });

  it('refuses keywords it cannot look up by pairs', () => {
    expect(() => new KeywordPass([kw('ab')])).toThrow();
    expect(() => new KeywordPass([kw('Aws', true)])).toThrow();
  });
});

describe('date-of-birth context words', () => {
  it('finds a date after each context word, also where one follows an emoji or spans spaced "date of birth"', () => {
    const text = '😀 DOB: 1985-03-14; date  of\tbirth 14 March 1990, d.o.b 3/4/85 born on May 5, 2001';
    expect(findDatesOfBirth(text).map((m) => text.slice(m.start, m.end))).toEqual(['1985-03-14', '14 March 1990', '3/4/85', 'May 5, 2001']);
  });
});
