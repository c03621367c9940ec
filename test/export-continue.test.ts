import { describe, expect, it } from 'vitest';
import { createExportWriter } from '../src/export/writer.ts';
import type { ExportFormat } from '../src/export/writer-contract.ts';
import { concat, FIELD_KEYS, generatedRecord, sameBytes, TRICKY_RECORDS, writeAll } from './support/export-records.ts';

const METADATA = { datasetId: 'ds-1', filters: { limit: 40 }, generatedAt: '2024-06-01T00:00:00.000Z' };
const RECORDS = [...TRICKY_RECORDS, ...Array.from({ length: 25 }, (_, i) => generatedRecord(i))];

describe('a writer continuing an earlier one (resumed export)', () => {
  for (const format of ['csv', 'json'] as const satisfies readonly ExportFormat[]) {
    for (const withMetadata of [false, true]) {
      it(`${format}${withMetadata ? ' with metadata' : ''}: head + continued tail = the whole document, at any record`, () => {
        const options = { fieldKeys: FIELD_KEYS, ...(withMetadata ? { metadata: METADATA } : {}) };
        const whole = concat(writeAll(createExportWriter(format, options), RECORDS, 7));
        for (const cut of [1, 5, 14, RECORDS.length - 1, RECORDS.length]) {
          const first = createExportWriter(format, options);
          const head = concat(first.write(RECORDS.slice(0, cut)));
          const rest = createExportWriter(format, { ...options, continueAfter: cut });
          const tail = concat(writeAll(rest, RECORDS.slice(cut), 4));
          expect(rest.stats.records).toBe(RECORDS.length);
          expect(sameBytes(concat([head, tail]), whole)).toBe(true);
        }
      });
    }
  }

  it('xlsx refuses to continue: its compressor state is not a record count', () => {
    expect(() => createExportWriter('xlsx', { fieldKeys: FIELD_KEYS, continueAfter: 3 })).toThrow(/replay/);
    expect(() => createExportWriter('xlsx', { fieldKeys: FIELD_KEYS, continueAfter: 0 })).not.toThrow();
  });
});
