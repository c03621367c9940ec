/**
 * The fixed development / held-out split of the UCI sentences: each source shuffled by a seeded
 * PRNG (mulberry32, seed 16), first half development, second half held-out. Rules and constants
 * of the analyzer are tuned on the development half only.
 */
import { seeded } from './seeded-random.ts';

const SEED = 16;

export function splitHalves<T>(rows: readonly T[]): { dev: T[]; heldout: T[] } {
  const random = seeded(SEED);
  const shuffled = [...rows];
  for (let i = shuffled.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as T, shuffled[i] as T];
  }
  const half = Math.floor(shuffled.length / 2);
  return { dev: shuffled.slice(0, half), heldout: shuffled.slice(half) };
}
