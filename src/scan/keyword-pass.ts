// One pass over a text's character pairs that finds where any of a set of literal keywords
// begins (the secret rules' keywords, the date-of-birth context words): the detectors then try
// their patterns only there. Pure: no Worker or Node APIs beyond TextEncoder; linear in the text.
import { CodeBytes } from '../pii/code-bytes.ts';

export interface PassKeyword {
  readonly text: string;
  /** Compared case-insensitively (`text` is lowercase then). */
  readonly folded: boolean;
  /** The characters one of which must follow it, or '' for any. */
  readonly then: string;
}

export interface KeywordStart<K extends PassKeyword> {
  at: number;
  keyword: K;
}

/**
 * Keywords by character pair, looked up at every second position of the text: a keyword that
 * begins at an even position is found at one of its pairs at an even offset, one that begins at
 * an odd position at one of its pairs at an odd offset (a two-character keyword: its second
 * character and each of its `then`). Each keyword is listed under the least common pair of each
 * parity (both cases of a folded keyword's letters), so a loop over half the text's pairs (a flat
 * table) finds where any may begin, with few false hits.
 */
interface Listed<K> {
  keyword: K;
  /** Its place in the keyword list: keywords beginning at one position are listed in that order. */
  order: number;
  /** Where the pair lies in the keyword: the keyword begins this many characters before it. */
  offset: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const pairKey = (c0: number, c1: number): number => (LITTLE_ENDIAN ? c0 | (c1 << 8) : (c0 << 8) | c1);
const cases = (c: string, folded: boolean): number[] => [...new Set(folded ? [c.toLowerCase(), c.toUpperCase()] : [c])].map((x) => x.charCodeAt(0));
/** Frequent in prose and code: a keyword is listed under one of these only when it has no other pair. */
const COMMON_PAIRS = new Set(
  'th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ec ca el ta la ns di fo ho pe us da do sh oo ws ap pa pi ke'.split(' '),
);
/** How common a pair of keyword characters is likely to be in text: lower is rarer. */
function commonness(pair: string, folded: boolean): number {
  // Lowercase letters (any letter of a folded keyword) and digits are the common characters.
  const common = (c: string): boolean => /[a-z0-9]/.test(folded ? c.toLowerCase() : c);
  return (COMMON_PAIRS.has(pair.toLowerCase()) ? 2 : 0) + [...pair].filter(common).length;
}

/**
 * Whether `k` begins at `at`. Folded keywords compare ASCII letters by code; a non-ASCII
 * character falls back to `toLowerCase` of the slice, as every comparison did before.
 */
function beginsAt(text: string, at: number, k: PassKeyword): boolean {
  if (k.then && !k.then.includes(text.charAt(at + k.text.length))) return false;
  if (!k.folded) return text.startsWith(k.text, at);
  const n = k.text.length;
  if (at + n > text.length) return false;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(at + i);
    if (c >= 128) return text.slice(at, at + n).toLowerCase() === k.text;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== k.text.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Whether the code bytes at `at` may spell `word` (lowercase if `folded`): false only where an
 * ASCII character differs from it, so `beginsAt` (the exact test) runs at few positions.
 */
function maySpell(bytes: Uint8Array, at: number, word: string, folded: boolean): boolean {
  if (at + word.length > bytes.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = bytes[at + i] ?? 0;
    if (c >= 128) continue;
    if (folded && c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

export class KeywordPass<K extends PassKeyword> {
  private readonly lists: Array<Array<Listed<K>>> = [[]];
  /**
   * Per pair, read as one 16-bit unit of the text's code bytes (see CodeBytes): the index into
   * `lists` of the keywords listed under it; 0 (empty) for most, and for every pair holding a
   * code of 128 or more.
   */
  private readonly index = new Uint8Array(1 << 16);
  private readonly codes = new CodeBytes();

  constructor(keywords: readonly K[]) {
    keywords.forEach((keyword, order) => {
      const t = keyword.text;
      if (!/^[\x00-\x7f]+$/.test(keyword.text + keyword.then) || t.length < (keyword.then ? 2 : 3)) {
        throw new Error(`keyword "${t}": three ASCII characters at least, or two and \`then\``);
      }
      if (keyword.folded && (keyword.then || t !== t.toLowerCase())) throw new Error(`keyword "${t}": folded keywords are lowercase, without \`then\``);
      for (const parity of [0, 1]) {
        if (t.length === 2 && parity === 1) {
          for (const y of keyword.then) this.listUnder(t.charCodeAt(1), y.charCodeAt(0), { keyword, order, offset: 1 });
          continue;
        }
        let offset = parity;
        for (let o = parity + 2; o + 1 < t.length; o += 2) if (commonness(t.slice(o, o + 2), keyword.folded) < commonness(t.slice(offset, offset + 2), keyword.folded)) offset = o;
        for (const x of cases(t.charAt(offset), keyword.folded)) {
          for (const y of cases(t.charAt(offset + 1), keyword.folded)) this.listUnder(x, y, { keyword, order, offset });
        }
      }
    });
  }

  private listUnder(x: number, y: number, listed: Listed<K>): void {
    const pair = pairKey(x, y);
    if (this.index[pair] === 0) this.index[pair] = this.lists.push([]) - 1;
    if (this.lists.length > 256) throw new Error('keywords: more listed pairs than the pair index holds');
    this.lists[this.index[pair] ?? 0]?.push(listed);
  }

  /** Where keywords begin, by position, then in the order of the list the pass was built from. */
  starts(text: string): Array<KeywordStart<K>> {
    const found: Array<KeywordStart<K> & { order: number }> = [];
    let sorted = true;
    const bytes = this.codes.of(text);
    // Each 16-bit unit is a pair of characters: 2k and 2k + 1.
    const units = new Uint16Array(bytes.buffer, 0, text.length >> 1);
    for (let k = nextListed(units, this.index, 0); k >= 0; k = nextListed(units, this.index, k + 1)) {
      const listed = this.lists[this.index[units[k] ?? 0] ?? 0] ?? [];
      for (let i = 0; i < listed.length; i++) {
        const { keyword, order, offset } = listed[i] as Listed<K>;
        const at = 2 * k - offset;
        // As where the first two characters are looked up: both ASCII.
        if (at < 0 || !maySpell(bytes, at, keyword.text, keyword.folded)) continue;
        if ((text.charCodeAt(at) | text.charCodeAt(at + 1)) >= 128 || !beginsAt(text, at, keyword)) continue;
        const last = found[found.length - 1];
        if (last && (last.at > at || (last.at === at && last.order > order))) sorted = false;
        found.push({ at, keyword, order });
      }
    }
    return sorted ? found : found.sort((a, b) => a.at - b.at || a.order - b.order);
  }
}

/** The first unit at or after `from` whose pair lists a keyword in `index`, or -1. */
function nextListed(units: Uint16Array, index: Uint8Array, from: number): number {
  const n = units.length;
  for (let k = from; k < n; k++) if (index[units[k] ?? 0] !== 0) return k;
  return -1;
}
