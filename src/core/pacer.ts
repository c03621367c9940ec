/**
 * CPU work between two turns of the event loop; the other requests of the isolate wait this long at
 * most per running job. A status GET crosses the isolate's queue about twice (the request, the
 * coordinator's answer), so with three heavy jobs 10 ms keeps its worst case near 60 ms.
 */
export const PACE_MS = 10;

/**
 * Steps between turns when the clock stands still: deployed Workers advance `performance.now()`
 * only at I/O, so a CPU-bound run would never see its budget pass. Call sites pace small steps
 * (a record, an item, a scan window), so this many is a few milliseconds to tens of them.
 */
export const PACE_STEPS = 64;

const done: Promise<void> = Promise.resolve();

/**
 * Long CPU work calls `pace()` between small steps: once `budgetMs` have passed since the last
 * turn (or `PACE_STEPS` steps while the clock has not moved), it awaits a macrotask, so requests
 * queued for the same isolate (another tenant's, a status GET, a Durable Object call) run before
 * the work goes on. Otherwise it costs a resolved promise. Under `wrangler dev` the API, the
 * consumer and every Durable Object share one isolate.
 */
export function pacer(budgetMs = PACE_MS, now: () => number = () => performance.now()): () => Promise<void> {
  let last = now();
  let steps = 0;
  return () => {
    const elapsed = now() - last;
    steps += 1;
    if (elapsed < budgetMs && (elapsed > 0 || steps < PACE_STEPS)) return done;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        last = now();
        steps = 0;
        resolve();
      }, 0),
    );
  };
}
