import { describe, expect, it } from 'vitest';
import { ACTIVE_MS, MAX_STEPS_FACTOR, MIN_SHARE_MS, PACE_STEPS, PaceGroup, pacer, type Pace } from '../../src/core/pacer.ts';

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
    const pace = pacer(20, () => clock, new PaceGroup());
    // 1 ms per step: one turn every 20 steps, whatever the step count fallback says.
    expect(await turns(pace, 100, () => (clock += 1))).toBe(5);
  });

  it('falls back to a step count when the clock stands still (deployed Workers during CPU work)', async () => {
    const pace = pacer(20, () => 0, new PaceGroup());
    expect(await turns(pace, PACE_STEPS * 3)).toBe(3);
  });

  it('costs no turn while the budget lasts and the clock moves', async () => {
    let clock = 0;
    const pace = pacer(1_000, () => clock, new PaceGroup());
    expect(await turns(pace, PACE_STEPS * 2, () => (clock += 0.001))).toBe(0);
  });

  // `b` stops either way: it takes no turn for longer than ACTIVE_MS (a job waiting on I/O, or
  // ended unreleased), or its run ends and releases it (long before ACTIVE_MS).
  it.each([
    ['takes no turn for longer than ACTIVE_MS', (_b: Pace, advance: (ms: number) => void) => advance(ACTIVE_MS + 1)],
    ['is released', (b: Pace) => b.release()],
  ])('shares the budget among the pacers of one group that take turns, and gives it all back once the other %s', async (_how, stop) => {
    let clock = 0;
    const group = new PaceGroup();
    const a = pacer(20, () => clock, group);
    const b = pacer(20, () => clock, group);
    // Both active: 10 ms each between turns. `a` is measured after both have taken a turn.
    await turns(b, 1, () => (clock += 20));
    await turns(a, 1, () => (clock += 20));
    expect(await turns(a, 100, () => (clock += 1))).toBe(10);
    stop(b, (ms) => (clock += ms));
    // `a` has the whole budget again from its next turn.
    await turns(a, 1, () => (clock += 20));
    expect(await turns(a, 100, () => (clock += 1))).toBe(5);
  });

  it('never shares below MIN_SHARE_MS', async () => {
    let clock = 0;
    const group = new PaceGroup();
    // A pacer counts as active from its start.
    const many = Array.from({ length: 20 }, () => pacer(20, () => clock, group));
    const last = many[many.length - 1] as () => Promise<void>;
    expect(await turns(last, 100, () => (clock += 1))).toBe(100 / MIN_SHARE_MS);
  });

  it('counts as many steps as fill its share at the cost per step it measured while the clock moved, within bounds', async () => {
    let clock = 0;
    const pace = pacer(20, () => clock, new PaceGroup());
    // 10 µs a step: a run ends on the clock after 2,000 steps.
    expect(await turns(pace, 2_000, () => (clock += 0.01))).toBe(1);
    // The clock stands still: 2,000 steps would fill the budget; capped at MAX_STEPS_FACTOR × PACE_STEPS.
    expect(await turns(pace, PACE_STEPS * MAX_STEPS_FACTOR * 4)).toBe(4);
    // Steps measured slow (2 ms each): never fewer than PACE_STEPS between turns.
    expect(await turns(pace, 10, () => (clock += 2))).toBe(1);
    expect(await turns(pace, PACE_STEPS * 3)).toBe(3);
  });

  it('counts steps from the last time the clock moved: CPU work after I/O that moved it still gets turns', async () => {
    let clock = 0;
    const pace = pacer(20, () => clock, new PaceGroup());
    // The clock moves once within the share (deployed: at a read), then stands still.
    expect(await turns(pace, 1, () => (clock += 5))).toBe(0);
    expect(await turns(pace, PACE_STEPS * 3)).toBe(3);
  });

  it('runs cheap steps through its whole share on a clock that ticks in whole milliseconds', async () => {
    let work = 0;
    const pace = pacer(10, () => Math.floor(work), new PaceGroup());
    const step = (): void => void (work += 0.002);
    // 2 µs steps (a parse's records) under `wrangler dev`: 500 steps between ticks. Until the
    // first tick the cost per step is unknown, and runs end after PACE_STEPS.
    await turns(pace, 1_000, step);
    // Then 40 ms of work is 4 shares: no run ends on the step count between two ticks.
    expect(await turns(pace, 20_000, step)).toBe(4);
  });
});
