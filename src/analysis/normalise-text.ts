/**
 * Bounds the work the tokenizer can be made to do on one text.
 *
 * wink's tokenizer is super-linear on long runs without a word boundary (10,000 `-` took ~0.9 s,
 * 10,000 `a` ~0.14 s) and linear (~0.4 s per MiB) on ordinary prose. The rule, applied in one
 * linear pass before analysis:
 * 1. a run of one repeated character (letter, symbol or emoji) longer than 3 is cut to 3
 *    ("sooooo" → "sooo", "!!!!!!" → "!!!"): emphasis survives, the run does not;
 * 2. a whitespace-free chunk longer than 40 characters keeps its first 40 (no English word is
 *    that long; URLs, hashes and symbol art carry no sentiment past that);
 * 3. at most the first 100,000 characters are analysed (ten times the batch API's per-text cap),
 *    cut at the last whitespace before the limit when there is one.
 * Text within these bounds (every UCI sentence, ordinary reviews and tickets) passes unchanged.
 */
export const MAX_RUN = 3;
export const MAX_CHUNK = 40;
export const MAX_ANALYSED_CHARS = 100_000;

/** Cheap check first: most texts have no long run or chunk and are returned as they are. */
function withinBounds(text: string): boolean {
  if (text.length > MAX_ANALYSED_CHARS) return false;
  let chunk = 0;
  let run = 0;
  let prev = -1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    // Code units, not code points: a surrogate pair counts twice, which only makes this stricter.
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      chunk = 0;
      run = 0;
      prev = -1;
      continue;
    }
    chunk += 1;
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (chunk > MAX_CHUNK || run > MAX_RUN) return false;
  }
  return true;
}

export function normaliseForAnalysis(text: string): string {
  if (withinBounds(text)) return text;
  const head = text.length > MAX_ANALYSED_CHARS * 2 ? text.slice(0, MAX_ANALYSED_CHARS * 2) : text;
  let out = '';
  let pending = ''; // the current whitespace-free chunk, built char by char
  let chunkLength = 0;
  let prev = '';
  let run = 0;
  for (const ch of head) {
    // for…of walks code points, so an emoji counts as one character and is never split.
    if (/\s/u.test(ch)) {
      out += pending + ch;
      pending = '';
      chunkLength = 0;
      prev = '';
      run = 0;
    } else {
      run = ch === prev ? run + 1 : 1;
      prev = ch;
      if (run <= MAX_RUN && chunkLength < MAX_CHUNK) {
        pending += ch;
        chunkLength += 1;
      }
    }
    if (out.length >= MAX_ANALYSED_CHARS) break;
  }
  out += pending;
  if (out.length <= MAX_ANALYSED_CHARS) return out;
  const cut = out.lastIndexOf(' ', MAX_ANALYSED_CHARS);
  return out.slice(0, cut > 0 ? cut : MAX_ANALYSED_CHARS);
}
