/**
 * "Did you mean …?" for a mistyped field name or job type: the closest known name by edit
 * distance, if it is close enough to be a typo. Pure, so it is unit-tested on its own.
 */

/** Longer input is no typo of a short name; capping it also caps the work at 64 × 64 cells. */
const MAX_INPUT = 64;

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbours (the commonest typo) each cost 1. Case is ignored: `Texts` is `texts` mistyped.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows of the table suffice for the swap rule.
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, (before[j - 2] ?? 0) + 1);
      current[j] = best;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[t.length] ?? 0;
}

/**
 * The known name closest to `input`, or null when none is a plausible typo of it: at most one
 * edit for names of up to four characters, two up to eight, three beyond. Ties go to the first.
 */
export function didYouMean(input: string, known: readonly string[]): string | null {
  if (input.length === 0 || input.length > MAX_INPUT) return null;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(input, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best === null) return null;
  const allowed = best.length <= 4 ? 1 : best.length <= 8 ? 2 : 3;
  return bestDistance <= allowed ? best : null;
}
