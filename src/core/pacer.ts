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

/** How far the step count may stretch past `PACE_STEPS` when steps are measured to be cheap. */
export const MAX_STEPS_FACTOR = 16;

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

  /** `member` has stopped pacing (its job's run ended): the others' shares grow at their next turn. */
  leave(member: object): void {
    this.lastTurn.delete(member);
  }
}

/** Paces one run of work; `release()` when the run ends, so it stops counting against the others' share. */
export interface Pace {
  (): Promise<void>;
  release(): void;
}

/** Every pacer of the isolate unless told otherwise (under `wrangler dev`: every running job). */
const isolate = new PaceGroup();

const done: Promise<void> = Promise.resolve();

/**
 * Long CPU work calls `pace()` between small steps: once its share of `budgetMs` has passed since
 * its last turn, it awaits a macrotask, so requests queued for the same isolate (another
 * tenant's, a status GET, a Durable Object call) run before the work goes on. Otherwise it costs
 * a resolved promise. Under `wrangler dev` the API, the consumer and every Durable Object share
 * one isolate.
 *
 * While the clock stands still it counts steps instead, from the last step that saw it move:
 * `PACE_STEPS`, or as many as fill the share at the cost per step the clock's moves measured (at
 * most `MAX_STEPS_FACTOR` times more). Deployed, the clock moves only at I/O, so CPU work after a
 * read would otherwise never see its share pass. Under `wrangler dev` it ticks in whole
 * milliseconds, so a count of 64 cheap steps (a parse's records: ~2 µs each) would end runs
 * between two ticks, after a fraction of a millisecond: beside jobs with full runs such a job got
 * a few percent of the thread. A cost measured across I/O is too high, so the error only
 * shortens runs.
 */
export function pacer(budgetMs = PACE_MS, now: () => number = () => performance.now(), group: PaceGroup = isolate): Pace {
  const self = {};
  let last = now();
  let steps = 0;
  /** The clock at the last step, and the steps since it last moved. */
  let seen = last;
  let stillSteps = 0;
  let shareMs = budgetMs;
  /** Milliseconds per step, from the last time the clock moved (0: not yet). */
  let stepMs = 0;
  const resume = (): void => {
    last = now();
    seen = last;
    steps = 0;
    stillSteps = 0;
    shareMs = Math.max(Math.min(MIN_SHARE_MS, budgetMs), budgetMs / group.turn(self, last));
  };
  resume();
  const turn = (): Promise<void> =>
    new Promise<void>((resolve) =>
      setTimeout(() => {
        resume();
        resolve();
      }, 0),
    );
  const pace = (): Promise<void> => {
    const at = now();
    const elapsed = at - last;
    steps += 1;
    if (elapsed >= shareMs) {
      stepMs = elapsed / steps;
      return turn();
    }
    if (at !== seen) {
      // The cost per step since the last move (too high when it moved at I/O: shorter runs).
      stepMs = (at - seen) / (stillSteps + 1);
      seen = at;
      stillSteps = 0;
      return done;
    }
    stillSteps += 1;
    const limit = stepMs > 0 ? Math.min(PACE_STEPS * MAX_STEPS_FACTOR, Math.max(PACE_STEPS, shareMs / stepMs)) : PACE_STEPS;
    return stillSteps < limit ? done : turn();
  };
  return Object.assign(pace, { release: () => group.leave(self) });
}
