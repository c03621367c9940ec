import { describe, expect, it } from 'vitest';
import { PACE_STEPS, pacer } from '../../src/core/pacer.ts';

/** Counts how many of `calls` paced steps gave the event loop a turn. */
async function turns(pace: () => Promise<void>, calls: number, tick: () => void = () => {}): Promise<number> {
  let yielded = 0;
  for (let i = 0; i < calls; i += 1) {
    let macrotask = false;
    const marker = setTimeout(() => {
      macrotask = true;
    }, 0);
    tick();
    await pace();
    if (macrotask) yielded += 1;
    clearTimeout(marker);
  }
  return yielded;
}

describe('pacer', () => {
  it('gives the event loop a turn once the budget has passed on a moving clock', async () => {
    let clock = 0;
    const pace = pacer(20, () => clock);
    // 1 ms per step: one turn every 20 steps, whatever the step count fallback says.
    expect(await turns(pace, 100, () => (clock += 1))).toBe(5);
  });

  it('falls back to a step count when the clock stands still (deployed Workers during CPU work)', async () => {
    const pace = pacer(20, () => 0);
    expect(await turns(pace, PACE_STEPS * 3)).toBe(3);
  });

  it('costs no turn while the budget lasts and the clock moves', async () => {
    let clock = 0;
    const pace = pacer(1_000, () => clock);
    expect(await turns(pace, PACE_STEPS * 2, () => (clock += 0.001))).toBe(0);
  });
});
