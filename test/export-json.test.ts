import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../src/core/dataset-record.ts';
import { createJsonWriter } from '../src/export/json-writer.ts';
import { EXPORT_FORMAT_VERSION } from '../src/export/writer-contract.ts';
import { concat, FIELD_KEYS, generatedRecord, TRICKY_RECORDS, writeAll } from './support/export-records.ts';

const METADATA = {
  datasetId: 'ds-42',
  filters: { sentiment: 'negative' as const, dateRange: { start: '2024-01-01', end: '2024-12-31' }, limit: 500 },
  generatedAt: '2024-06-01T12:00:00.000Z',
};

function jsonDoc(records: readonly DatasetRecord[], withMetadata: boolean, pageSize?: number): unknown {
  const writer = createJsonWriter({ fieldKeys: FIELD_KEYS, ...(withMetadata ? { metadata: METADATA } : {}) });
  return JSON.parse(new TextDecoder().decode(concat(writeAll(writer, records, pageSize))));
}

/** The record as exported: all fixed keys, `fields` limited to the dataset's keys, NaN/Infinity as null. */
function expected(record: DatasetRecord): unknown {
  const finite = (n: number | null) => (n !== null && Number.isFinite(n) ? n : null);
  const fields = Object.fromEntries(
    FIELD_KEYS.map((k) => {
      const v = Object.hasOwn(record.fields, k) ? (record.fields[k] ?? null) : null;
      return [k, typeof v === 'number' ? finite(v) : v];
    }),
  );
  return { ...record, score: finite(record.score), confidence: finite(record.confidence), fields };
}

describe('json writer', () => {
  it('is an array of records that reads back record by record', () => {
    const doc = jsonDoc(TRICKY_RECORDS, false, 3);
    expect(doc).toEqual(TRICKY_RECORDS.map(expected));
  });

  it('keeps text exactly, control characters included', () => {
    const doc = jsonDoc(TRICKY_RECORDS, false) as { id: string; text: string }[];
    for (const record of TRICKY_RECORDS) {
      expect(doc.find((r) => r.id === record.id)?.text).toBe(record.text);
    }
  });

  it('reads only own field keys: `constructor` is null, a `__proto__` key is kept as data', () => {
    // A computed key defines an own `__proto__` property, as JSON.parse would.
    const record: DatasetRecord = { ...generatedRecord(1), fields: { ['__proto__']: 'p', region: 'EU' } };
    const writer = createJsonWriter({ fieldKeys: ['__proto__', 'constructor', 'region'] });
    const text = new TextDecoder().decode(concat(writeAll(writer, [record])));
    expect(text).toContain('"fields":{"__proto__":"p","constructor":null,"region":"EU"}');
  });

  it('wraps records and metadata with includeMetadata; the count is the records written', () => {
    const doc = jsonDoc(TRICKY_RECORDS, true) as { records: unknown[]; metadata: unknown };
    expect(Object.keys(doc)).toEqual(['records', 'metadata']);
    expect(doc.records).toEqual(TRICKY_RECORDS.map(expected));
    expect(doc.metadata).toEqual({
      ...METADATA,
      recordCount: TRICKY_RECORDS.length,
      formatVersion: EXPORT_FORMAT_VERSION,
    });
  });

  it('empty export is [] or an empty records list', () => {
    expect(jsonDoc([], false)).toEqual([]);
    expect(jsonDoc([], true)).toEqual({
      records: [],
      metadata: { ...METADATA, recordCount: 0, formatVersion: EXPORT_FORMAT_VERSION },
    });
    expect(createJsonWriter({ fieldKeys: [] }).write([])).toEqual([]);
  });

  it('refuses writes after end', () => {
    const writer = createJsonWriter({ fieldKeys: [] });
    writer.end();
    expect(() => writer.write([generatedRecord(0)])).toThrow(/already ended/);
  });

  it('streams 50,000 records in pages into one valid document', () => {
    const writer = createJsonWriter({ fieldKeys: FIELD_KEYS, metadata: METADATA });
    const chunks: Uint8Array[] = [];
    const pageSize = 1000;
    for (let start = 0; start < 50_000; start += pageSize) {
      const out = writer.write(Array.from({ length: pageSize }, (_, j) => generatedRecord(start + j)));
      expect(out).toHaveLength(1);
      chunks.push(...out);
    }
    chunks.push(...writer.end());
    const doc = JSON.parse(new TextDecoder().decode(concat(chunks))) as { records: unknown[]; metadata: { recordCount: number } };
    expect(doc.records).toHaveLength(50_000);
    expect(doc.metadata.recordCount).toBe(50_000);
    for (const i of [0, 7, 31_337, 49_999]) expect(doc.records[i]).toEqual(expected(generatedRecord(i)));
  });
});
