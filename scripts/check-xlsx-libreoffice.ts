/**
 * Checks the export writers against real readers outside workerd (plain Node, not in CI):
 *  1. an XLSX workbook read back by read-excel-file's Node build, from the original bytes;
 *  2. the same workbook converted by LibreOffice (if installed) to CSV, sheet by sheet;
 *  3. the CSV export opened by LibreOffice: formula-like text must stay text.
 * Run: node --experimental-strip-types scripts/check-xlsx-libreoffice.ts [records]
 * Exits 1 on any mismatch. LibreOffice: apt-get install -y libreoffice-calc.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { exportColumns } from '../src/export/columns.ts';
import type { DatasetRecord, FieldValue } from '../src/core/dataset-record.ts';
import type { Column } from '../src/export/columns.ts';
import { excelSerialDate } from '../src/export/xlsx-writer.ts';
import { createExportWriter } from '../src/export/writer.ts';
import type { ExportFormat } from '../src/export/writer-contract.ts';
import { concat, FIELD_KEYS, generatedRecord, TRICKY_RECORDS, writeAll } from '../test/support/export-records.ts';

const count = Number(process.argv[2] ?? 20_000);
const records: DatasetRecord[] = [...TRICKY_RECORDS, ...Array.from({ length: count }, (_, i) => generatedRecord(i))];
const metadata = { datasetId: 'ds-check', filters: { sentiment: 'positive' as const }, generatedAt: '2024-06-01T12:30:00.000Z' };
const { columns } = exportColumns(FIELD_KEYS);
const dir = fs.mkdtempSync('/tmp/export-check-');
let failures = 0;
let checks = 0;

function check(label: string, ok: boolean, detail = ''): void {
  checks++;
  if (ok) return;
  failures++;
  if (failures <= 20) console.log(`FAIL ${label} ${detail}`);
}

function writeFile(format: ExportFormat): string {
  const path = `${dir}/export.${format}`;
  fs.writeFileSync(path, concat(writeAll(createExportWriter(format, { fieldKeys: FIELD_KEYS, metadata }), records, 500)));
  return path;
}

const stripIllegal = (s: string) => s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g, '');
const isEmpty = (v: FieldValue) => v === null || v === '' || (typeof v === 'number' && !Number.isFinite(v));

/** 1. read-excel-file (Node build: real Worker threads for large entries). */
async function checkReadExcelFile(path: string): Promise<void> {
  const sheets = await readXlsxFile(path, { trim: false });
  const rows = sheets[0]?.data ?? [];
  check('read-excel-file row count', rows.length === records.length + 1, `${rows.length}`);
  check('read-excel-file header', JSON.stringify(rows[0]) === JSON.stringify(columns.map((c) => c.header)));
  records.forEach((record, r) => {
    columns.forEach((column, c) => {
      const got: unknown = rows[r + 1]?.[c] ?? null;
      const want = column.value(record);
      const ok = isEmpty(want)
        ? got === null
        : column.date && typeof want === 'string' && excelSerialDate(want) !== null
          ? got instanceof Date && Math.abs(got.getTime() - Date.parse(want)) <= 1
          : got === (typeof want === 'string' ? stripIllegal(want) : want);
      check(`read-excel-file ${record.id}.${column.header}`, ok, `${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    });
  });
  const meta = new Map((sheets[1]?.data ?? []).map((row) => [row[0], row[1]]));
  check('read-excel-file metadata recordCount', meta.get('recordCount') === records.length);
  check('read-excel-file metadata datasetId', meta.get('datasetId') === metadata.datasetId);
}

function libreOffice(): string | null {
  for (const cmd of ['libreoffice', 'soffice']) {
    if (spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 60_000 }).status === 0) return cmd;
  }
  return null;
}

/** Converts with LibreOffice; `filter` is the CSV filter's option string (UTF-8, comma, quote). */
function convert(cmd: string, input: string, outDir: string, extra: string[]): void {
  const run = spawnSync(cmd, ['--headless', ...extra, '--outdir', outDir, input], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`libreoffice failed: ${run.stderr} ${run.error?.message ?? ''}`);
}

const readCsv = (path: string): string[][] => parse(fs.readFileSync(path, 'utf8'), { bom: true, relax_column_count: true }) as string[][];

/** What LibreOffice shows for a value: its text for CSV output with "as shown" formatting. */
function shown(column: Column, value: FieldValue): string {
  if (value === null || isEmpty(value)) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // Spreadsheets show 15 significant digits: 0.6799999999999999 reads 0.68.
  if (typeof value === 'number') return String(Number(value.toPrecision(15)));
  if (column.date && excelSerialDate(value) !== null) {
    // The sheet shows yyyy-mm-dd hh:mm:ss, rounded to the second.
    return new Date(Math.round(Date.parse(value) / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  return newlines(stripIllegal(value));
}

// LibreOffice's CSV export rewrites CR and CRLF inside cells, not always the same way (a leading
// CR survives): compare line breaks loosely here; read-excel-file checks them exactly.
const newlines = (s: string) => s.replace(/\r\n?/g, '\n');

/** 2. The workbook through LibreOffice: every sheet to UTF-8 CSV, compared cell by cell. */
function checkLibreOfficeXlsx(cmd: string, path: string): void {
  const out = `${dir}/lo-xlsx`;
  // Filter options: comma, double quote, UTF-8, from row 1, …, all sheets (-1): one CSV per sheet.
  convert(cmd, path, out, ['--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1']);
  const data = `${out}/export-data.csv`;
  check('libreoffice wrote the data sheet', fs.existsSync(data));
  if (!fs.existsSync(data)) return;
  const rows = readCsv(data);
  check('libreoffice row count', rows.length === records.length + 1, `${rows.length}`);
  check('libreoffice header', JSON.stringify(rows[0]) === JSON.stringify(columns.map((c) => c.header)));
  records.forEach((record, r) => {
    columns.forEach((column, c) => {
      const got = newlines(rows[r + 1]?.[c] ?? '');
      const want = shown(column, column.value(record));
      check(`libreoffice ${record.id}.${column.header}`, got === want, `${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    });
  });
  const meta = `${out}/export-metadata.csv`;
  check('libreoffice wrote the metadata sheet', fs.existsSync(meta));
  if (fs.existsSync(meta)) {
    const m = new Map(readCsv(meta).map((row) => [row[0], row[1]]));
    check('libreoffice metadata recordCount', m.get('recordCount') === String(records.length));
    check('libreoffice metadata generatedAt', m.get('generatedAt') === '2024-06-01 12:30:00');
  }
}

/** 3. The CSV export opened as a spreadsheet: no formula may be evaluated; text keeps its ' prefix. */
function checkLibreOfficeCsv(cmd: string, path: string): void {
  const out = `${dir}/lo-csv`;
  convert(cmd, path, out, ['--infilter=CSV:44,34,76,1', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1']);
  const rows = readCsv(`${out}/export.csv`);
  const text = (id: string) => rows.find((row) => row[0] === id)?.[1];
  check('csv via libreoffice: =SUM stays text', text('rec-6') === "'=SUM(A1:A9)", JSON.stringify(text('rec-6')));
  check('csv via libreoffice: -1+2 stays text', text('rec-7') === "'-1+2", JSON.stringify(text('rec-7')));
  const hyperlink = rows.find((row) => row[0] === 'gen-7')?.[1];
  check('csv via libreoffice: HYPERLINK stays text', hyperlink?.startsWith("'Review 7") === true || hyperlink?.includes('=HYPERLINK') === true, JSON.stringify(hyperlink));
  check('csv via libreoffice: negative number stays a number', rows.find((row) => row[0] === 'rec-10')?.[3] === '-0.875');
}

const xlsx = writeFile('xlsx');
const csv = writeFile('csv');
console.log(`${records.length} records → ${dir}`);
await checkReadExcelFile(xlsx);
console.log(`read-excel-file (original bytes): ${failures === 0 ? 'ok' : 'FAILED'}`);
const cmd = libreOffice();
if (cmd === null) {
  console.log('LibreOffice not found: conversion checks skipped');
} else {
  const before = failures;
  checkLibreOfficeXlsx(cmd, xlsx);
  checkLibreOfficeCsv(cmd, csv);
  console.log(`LibreOffice (xlsx → csv, csv → csv): ${failures === before ? 'ok' : 'FAILED'}`);
}
console.log(`${checks - failures} passed, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
