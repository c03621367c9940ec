import { describe, expect, it } from 'vitest';
import { RowBatchBuilder, type RowTuple } from '../../src/durable/dataset-schema.ts';
import type { RecordInput } from '../../src/core/dataset-record.ts';

const record = (line: number): RecordInput => ({
  id: `f-${line}`,
  text: `row ${line}`,
  sentiment: null,
  score: null,
  confidence: null,
  createdMs: 0,
  sourceFile: 'f.csv',
  sourceLine: line,
  fields: { n: line },
});

describe('RowBatchBuilder', () => {
  it('takes a batch in write steps, each with its own line range, and starts afresh', () => {
    const builder = new RowBatchBuilder('f.csv');
    // Lines out of order within a step (a JSON array's records keep their order, lines need not).
    for (const line of [3, 2, 4, 5, 6, 9, 7]) builder.add(record(line));
    const steps = builder.takeSteps(3);
    expect(steps.map((s) => [s.count, s.first, s.last])).toEqual([
      [3, 2, 4],
      [3, 5, 9],
      [1, 7, 7],
    ]);
    expect(steps.flatMap((s) => (JSON.parse(s.rows) as RowTuple[]).map((r) => r[0]))).toEqual([3, 2, 4, 5, 6, 9, 7]);
    expect(steps.every((s) => s.source === 'f.csv')).toBe(true);
    expect(builder.count).toBe(0);
    expect(builder.takeSteps(3)).toEqual([]);
  });

  it('takes everything as one batch, an empty one when nothing was added', () => {
    const builder = new RowBatchBuilder('f.csv');
    expect(builder.take()).toMatchObject({ count: 0, rows: '[]' });
    builder.add(record(1));
    builder.add(record(2));
    expect(builder.take()).toMatchObject({ count: 2, first: 1, last: 2 });
  });
});
