import { describe, expect, it } from 'vitest';
import { collect, READ_STEP } from '../../src/handlers/stored-file.ts';

/** A byte stream (as an R2 body is) of these chunks, each enqueued only when read for. */
function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk.slice());
      else controller.close();
    },
  });
}

const bytes = (n: number, from = 0): Uint8Array => new Uint8Array(n).map((_, i) => (from + i) & 255);

describe('collect (a read block taken from its stream)', () => {
  it('joins the chunks into one array and paces after each read step', async () => {
    let paced = 0;
    const pace = async (): Promise<void> => void (paced += 1);
    const chunks = [bytes(READ_STEP), bytes(READ_STEP, READ_STEP), bytes(10, 2 * READ_STEP)];
    const got = await collect(streamOf(chunks), 2 * READ_STEP + 10, pace);
    expect(got).toEqual(bytes(2 * READ_STEP + 10));
    expect(paced).toBe(3);
  });

  it('reads small chunks together, a step at a time', async () => {
    let paced = 0;
    const pace = async (): Promise<void> => void (paced += 1);
    const chunks = Array.from({ length: 64 }, (_, i) => bytes(READ_STEP / 16, (i * READ_STEP) / 16));
    expect(await collect(streamOf(chunks), 4 * READ_STEP, pace)).toEqual(bytes(4 * READ_STEP));
    expect(paced).toBe(4);
  });

  it('lets timers run between steps when pace yields, and none when it does not', async () => {
    /** Timer turns taken by other work while 8 steps are collected. */
    const turnsDuring = async (pace: () => Promise<void>): Promise<number> => {
      let done = false;
      let turns = 0;
      const ticking = (async () => {
        while (!done) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          turns += 1;
        }
      })();
      await collect(streamOf(Array.from({ length: 8 }, () => bytes(READ_STEP))), 8 * READ_STEP, pace);
      const during = turns;
      done = true;
      await ticking;
      return during;
    };
    expect(await turnsDuring(() => new Promise((resolve) => setTimeout(resolve, 0)))).toBeGreaterThanOrEqual(7);
    expect(await turnsDuring(async () => {})).toBe(0);
  });

  it('stops at the length asked for, and returns what a shorter stream held', async () => {
    const pace = async (): Promise<void> => {};
    expect(await collect(streamOf([bytes(2), bytes(2, 2)]), 3, pace)).toEqual(bytes(3));
    expect(await collect(streamOf([bytes(2)]), 5, pace)).toEqual(bytes(2));
    expect(await collect(streamOf([]), 0, pace)).toHaveLength(0);
  });
});
