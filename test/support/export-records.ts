/** Records for the export writer tests, the bench and the LibreOffice check (no Node or Workers APIs). */
import type { DatasetRecord, FieldValue } from '../../src/core/dataset-record.ts';
import type { ExportWriter } from '../../src/export/writer-contract.ts';

/** Field keys as a dataset's metadata would list them; `constructor` checks own-property lookup. */
export const FIELD_KEYS = ['region', 'rating', 'verified', 'note', 'constructor', 'id'];

const base = (n: number, text: string, fields: Record<string, FieldValue> = {}): DatasetRecord => ({
  id: `rec-${n}`,
  text,
  sentiment: 'neutral',
  score: 0,
  confidence: 0.5,
  createdAt: `2024-03-0${(n % 9) + 1}T10:20:30.${String(n % 1000).padStart(3, '0')}Z`,
  source: { file: 'upload.csv', line: n + 2 },
  fields,
});

/** Every awkward value the writers must carry through unchanged (or neutralised, for CSV). */
export const TRICKY_RECORDS: DatasetRecord[] = [
  base(1, 'plain text', { region: 'EU', rating: 5, verified: true, note: 'ok', id: 'field-id' }),
  base(2, 'Emoji 😀👍🏽 and CJK 中文テキスト 한국어, accents éàü'),
  base(3, 'She said "hi", then ""bye""'),
  base(4, 'line one\nline two\r\nline three\rend'),
  base(5, 'a, b, c,,'),
  base(6, '=SUM(A1:A9)', { region: '+1 555', note: '@import', rating: -0.5 }),
  base(7, '-1+2', { region: '\tleading tab', note: '\rleading cr' }),
  base(8, '', { region: '', note: null }),
  { ...base(9, '  padded  '), sentiment: null, score: null, confidence: null },
  { ...base(10, 'negatives'), sentiment: 'negative', score: -0.875, confidence: 1 },
  { ...base(11, 'non-finite numbers', { rating: Number.NaN, verified: false }), score: Number.POSITIVE_INFINITY },
  { ...base(12, 'xml <tag attr="v"> & ampersand ]]>'), source: { file: 'dir/f "q".csv', line: 1 } },
  base(13, 'trailing newline\n'),
  { ...base(14, 'positive'), sentiment: 'positive', score: 0.75, confidence: 0.9 },
  base(15, 'control\u0000\u0007\u001F chars\uFFFF kept or stripped', { note: 'bell\u0007' }),
];

/** The i-th generated record: varied but deterministic, with some unicode and formula-like text. */
export function generatedRecord(i: number): DatasetRecord {
  const sentiments = ['positive', 'negative', 'neutral', null] as const;
  return {
    id: `gen-${i}`,
    text: `Review ${i}: ${i % 7 === 0 ? '=HYPERLINK("x")' : 'great, "really"\ngood'} ${i % 5 === 0 ? '中文 😀' : ''}`,
    sentiment: sentiments[i % 4] ?? null,
    score: i % 4 === 3 ? null : ((i % 201) - 100) / 100,
    confidence: i % 4 === 3 ? null : 0.5 + (i % 50) / 100,
    createdAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    source: { file: `batch-${i % 3}.csv`, line: i + 2 },
    fields: { region: ['EU', 'US', 'APAC'][i % 3] ?? null, rating: i % 6, verified: i % 2 === 0, note: i % 10 === 0 ? null : `n${i}` },
  };
}

/** Runs records through a writer in pages of `pageSize`, as the handler will. */
export function writeAll(writer: ExportWriter, records: readonly DatasetRecord[], pageSize = 100): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < records.length; i += pageSize) chunks.push(...writer.write(records.slice(i, i + pageSize)));
  chunks.push(...writer.end());
  return chunks;
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Byte equality without vitest's deep equality, which runs out of memory on multi-MiB arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
