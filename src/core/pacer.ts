/** CPU work between two turns of the event loop; the other requests of the isolate wait this long at most. */
export const PACE_MS = 20;

const done: Promise<void> = Promise.resolve();

/**
 * Long CPU work calls `pace()` between small steps: once `budgetMs` have passed since the last
 * turn, it awaits a macrotask, so requests queued for the same isolate (another tenant's, a
 * status GET, a Durable Object call) run before the work goes on. Otherwise it costs a resolved
 * promise. Under `wrangler dev` the API, the consumer and every Durable Object share one isolate.
 */
export function pacer(budgetMs = PACE_MS, now: () => number = () => performance.now()): () => Promise<void> {
  let last = now();
  return () => {
    if (now() - last < budgetMs) return done;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        last = now();
        resolve();
      }, 0),
    );
  };
}
