import { describe, expect, it } from 'vitest';
import { collect } from '../../src/handlers/stored-file.ts';

function streamOf(chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(new Uint8Array(c));
      controller.close();
    },
  });
}

describe('collect (a read block taken from its stream)', () => {
  it('joins the chunks and paces after each one', async () => {
    let paced = 0;
    const pace = async (): Promise<void> => void (paced += 1);
    const bytes = await collect(streamOf([[1, 2, 3], [4, 5], [6]]), 6, pace);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(paced).toBe(3);
  });

  it('lets timers run between chunks when pace yields, and none when it does not', async () => {
    /** Timer turns taken by other work while 8 chunks are collected. */
    const turnsDuring = async (pace: () => Promise<void>): Promise<number> => {
      let done = false;
      let turns = 0;
      const ticking = (async () => {
        while (!done) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          turns += 1;
        }
      })();
      await collect(streamOf(Array.from({ length: 8 }, (_, i) => [i])), 8, pace);
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
    expect([...(await collect(streamOf([[1, 2], [3, 4]]), 3, pace))]).toEqual([1, 2, 3]);
    expect([...(await collect(streamOf([[1, 2]]), 5, pace))]).toEqual([1, 2]);
    expect(await collect(streamOf([]), 0, pace)).toHaveLength(0);
  });
});
