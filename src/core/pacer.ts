/**
 * CPU work between two turns of the event loop, shared by the jobs pacing in one isolate: each of
 * `n` running jobs gets `PACE_MS / n` (not under `MIN_SHARE_MS`) before its turn. The turns of
 * several jobs come due together and run back to back before the isolate reads its sockets
 * again, so it is their sum that a status GET waits for at each of its hops (three jobs at 10 ms
 * each: ~30 ms a hop; README, data path).
 */
export const PACE_MS = 10;

/** The least CPU a job runs between turns however many share the isolate: a turn costs too. */
export const MIN_SHARE_MS = 2;

/**
 * Steps between turns when the clock stands still: deployed Workers advance `performance.now()`
 * only at I/O, so a CPU-bound run would never see its budget pass. Call sites pace small steps
 * (a record, an item, a scan window), so this many is a few milliseconds to tens of them.
 */
export const PACE_STEPS = 64;

/** A pacer that gave no turn for this long has stopped (its job ended or waits on I/O). */
export const ACTIVE_MS = 250;

/** The pacers of one isolate and when each last took a turn. */
export class PaceGroup {
  private readonly lastTurn = new Map<object, number>();

  /** Marks `member` as active at `now`; returns how many members are active, itself included. */
  turn(member: object, now: number): number {
    this.lastTurn.set(member, now);
    let active = 0;
    for (const [other, at] of this.lastTurn) {
      if (now - at <= ACTIVE_MS) active += 1;
      else this.lastTurn.delete(other);
    }
    return active;
  }
}

/** Every pacer of the isolate unless told otherwise (under `wrangler dev`: every job and Durable Object). */
const isolate = new PaceGroup();

const done: Promise<void> = Promise.resolve();

/**
 * Long CPU work calls `pace()` between small steps: once its share of `budgetMs` has passed since
 * its last turn (or its share of `PACE_STEPS` steps while the clock has not moved), it awaits a
 * macrotask, so requests queued for the same isolate (another tenant's, a status GET, a Durable
 * Object call) run before the work goes on. Otherwise it costs a resolved promise. Under
 * `wrangler dev` the API, the consumer and every Durable Object share one isolate.
 */
export function pacer(budgetMs = PACE_MS, now: () => number = () => performance.now(), group: PaceGroup = isolate): () => Promise<void> {
  const self = {};
  let last = now();
  let steps = 0;
  let share = { ms: budgetMs, steps: PACE_STEPS };
  const resume = (): void => {
    last = now();
    steps = 0;
    const active = group.turn(self, last);
    share = { ms: Math.max(Math.min(MIN_SHARE_MS, budgetMs), budgetMs / active), steps: Math.max(1, Math.floor(PACE_STEPS / active)) };
  };
  resume();
  return () => {
    const elapsed = now() - last;
    steps += 1;
    if (elapsed < share.ms && (elapsed > 0 || steps < share.steps)) return done;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        resume();
        resolve();
      }, 0),
    );
  };
}
