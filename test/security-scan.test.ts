import { describe, expect, it } from 'vitest';
import { PART_SIZE, SCAN_UNIT } from '../src/handlers/security-scan.ts';
import { QUICK_SCAN_BUDGET } from '../src/scan/quick-scan.ts';
import { MALWARE_SIGNATURES } from '../src/scan/malware.ts';
import { freshTenant, type Client } from './support/api.ts';
import { HARD_NEGATIVES, MISSED_PII } from './support/pii-cases.ts';

const EICAR = MALWARE_SIGNATURES[0]?.text ?? '';
const CARD = '4111111111111111';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SSN = '123-45-6789';

interface Finding {
  type: string;
  category: string;
  severity: string;
  line: number | null;
  column: number | null;
  offset: number;
  length: number;
  preview: string;
}
interface Control {
  control: string;
  status: string;
  count: number;
  findingTypes: string[];
  findingIndices: number[];
}
interface ScanSummary {
  datasetId: string;
  filePath: string;
  scanType: string;
  sampled: boolean;
  binary: boolean;
  bytesScanned: number;
  fileSize: number;
  totalFindings: number;
  detailedFindings: number;
  countsByType: { type: string; count: number }[];
  countsBySeverity: Record<string, number>;
  compliance: Record<string, { status: string; controls: Control[] }>;
  riskScore: number;
  riskLevel: string;
  sample?: { budgetBytes: number; ranges: { start: number; end: number }[] };
  results: Finding[];
  resultsPage?: { total: number };
  downloadUrl: string;
  reportBytes: number;
}
interface Job {
  id: string;
  status: string;
  processingStats: { totalItems: number; processedItems: number };
  result: ScanSummary;
}

async function upload(client: Client, path: string, body: string | Uint8Array): Promise<void> {
  const res = await client.request('PUT', `/api/v1/files/${path}`, body, { 'content-type': 'application/octet-stream' });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status}`);
}

async function createScan(client: Client, data: Record<string, unknown>): Promise<string> {
  const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', { type: 'security_scan', data });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  return created.body.data.jobId;
}

async function scanFile(client: Client, data: Record<string, unknown>): Promise<Job> {
  const id = await createScan(client, data);
  const done = await client.json<Job>('POST', `/api/v1/jobs/${id}/wait`, { timeout: 30_000 });
  expect(done.body.data.status).toBe('completed');
  return done.body.data;
}

/** ASCII filler lines up to `bytes` long (a line break at the end). */
function filler(bytes: number, seed = 0): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `row ${seed + i} lorem ipsum dolor sit amet, quarterly totals look fine`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`.slice(0, bytes - 1) + '\n';
}

/** Text pieces at known byte offsets (all ASCII): `at(n)` pads with filler up to offset n. */
class Doc {
  text = '';
  at(offset: number): this {
    if (offset > this.text.length) this.text += filler(offset - this.text.length, this.text.length);
    return this;
  }
  add(piece: string): number {
    const offset = this.text.length;
    this.text += piece;
    return offset;
  }
}

async function allResults(client: Client, id: string): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: { body: { data: { results: Finding[]; nextOffset: number | null } } } = await client.json('GET', `/api/v1/jobs/${id}/result?offset=${offset}&limit=50`);
    out.push(...page.body.data.results);
    offset = page.body.data.nextOffset;
  }
  return out;
}

describe('security_scan', () => {
  it('full scan slice by slice: findings across slice edges once, masked, paged; compliance and risk', async () => {
    const client = freshTenant();
    const doc = new Doc();
    doc.add('Patient intake\n');
    const email = doc.add('contact: jane.doe@example.com\n') + 'contact: '.length;
    const ssn = doc.add(`patient diagnosis: diabetes, SSN ${SSN}\n`) + 'patient diagnosis: diabetes, SSN '.length;
    // EICAR straddles the first slice edge, a card the second: each slice is its own invocation.
    const eicar = doc.at(SCAN_UNIT - 30).add(`${EICAR}\n`);
    const card = doc.at(2 * SCAN_UNIT - 8).add(`${CARD} exp 12/27\n`);
    const aws = doc.at(2 * SCAN_UNIT + 100_000).add(`aws_access_key_id = ${AWS_KEY}\n`) + 'aws_access_key_id = '.length;
    doc.at(3 * SCAN_UNIT + 5_000);
    await upload(client, 'scans/intake.txt', doc.text);
    const datasetId = crypto.randomUUID();

    const job = await scanFile(client, { filePath: 'scans/intake.txt', datasetId });
    const r = job.result;
    expect(r).toMatchObject({
      datasetId,
      filePath: 'scans/intake.txt',
      scanType: 'full',
      sampled: false,
      binary: false,
      bytesScanned: doc.text.length,
      fileSize: doc.text.length,
      totalFindings: 5,
      detailedFindings: 5,
      countsBySeverity: { critical: 1, high: 3, low: 1 },
      riskLevel: 'critical',
    });
    expect(job.processingStats).toMatchObject({ totalItems: doc.text.length, processedItems: doc.text.length });
    expect(r.results.map((f) => [f.type, f.offset])).toEqual([
      ['EMAIL', email],
      ['SSN', ssn],
      ['EICAR_TEST_FILE', eicar],
      ['CREDIT_CARD', card],
      ['AWS_ACCESS_KEY_ID', aws],
    ]);
    expect(r.results[3]).toMatchObject({ preview: '4111********1111', severity: 'high', category: 'pii', length: 16 });
    expect(r.results[4]?.preview).toBe('AKIA************MPLE');

    expect(Object.keys(r.compliance)).toEqual(['GDPR', 'HIPAA', 'PCI-DSS', 'SOC2', 'CCPA']);
    expect(r.compliance['PCI-DSS']?.status).toBe('fail');
    const pci = r.compliance['PCI-DSS']?.controls ?? [];
    expect(pci.find((c) => c.control.startsWith('Req. 3.4'))).toMatchObject({ status: 'fail', count: 1, findingIndices: [3] });
    expect(pci.find((c) => c.control === 'Req. 5.2')).toMatchObject({ status: 'fail', findingIndices: [2] });
    expect(r.compliance.HIPAA?.status).toBe('fail');
    expect(r.compliance.HIPAA?.controls[0]).toMatchObject({ status: 'fail', findingIndices: [0, 1] });

    // The same findings through the result pages.
    expect(await allResults(client, job.id)).toEqual(r.results);
  });

  it('pages many findings from R2 parts, with the counts exact', async () => {
    const client = freshTenant();
    const lines = Array.from({ length: 700 }, (_, i) => `user${i}@example.com visited page ${i}`);
    await upload(client, 'emails.log', `${lines.join('\n')}\n`);
    const job = await scanFile(client, { filePath: 'emails.log', datasetId: crypto.randomUUID(), complianceFramework: ['gdpr'] });
    expect(job.result).toMatchObject({ totalFindings: 700, detailedFindings: 700, riskLevel: 'low' });
    expect(Object.keys(job.result.compliance)).toEqual(['GDPR']);
    const all = await allResults(client, job.id);
    expect(all).toHaveLength(700);
    expect(all.map((f) => f.line)).toEqual(lines.map((_, i) => i + 1));
    expect(job.result.compliance.GDPR?.controls[0]).toMatchObject({ status: 'review', count: 700 });
    expect(job.result.compliance.GDPR?.controls[0]?.findingIndices).toHaveLength(100);
  });

  // Two scans of a 3 MB file: about 5 s on a busy machine, so past the default 5 s test timeout.
  it('quick samples head, tail and windows and says so; full finds what lies between', { timeout: 30_000 }, async () => {
    const client = freshTenant();
    const doc = new Doc();
    const head = doc.add(`key ${AWS_KEY}\n`) + 4;
    const middle = doc.at(1_000_003).add(`ghp token ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZx8Cq000001 here\n`);
    doc.at(3 * 1024 * 1024);
    const tail = doc.add(`card ${CARD} end\n`) + 5;
    await upload(client, 'big.txt', doc.text);

    const quick = await scanFile(client, { filePath: 'big.txt', datasetId: crypto.randomUUID(), scanType: 'quick' });
    expect(quick.result).toMatchObject({ scanType: 'quick', sampled: true, fileSize: doc.text.length, sample: { budgetBytes: QUICK_SCAN_BUDGET } });
    expect(quick.result.bytesScanned).toBeLessThanOrEqual(QUICK_SCAN_BUDGET);
    expect(quick.processingStats.totalItems).toBe(quick.result.bytesScanned);
    expect(quick.result.results.map((f) => [f.type, f.offset])).toEqual([
      ['AWS_ACCESS_KEY_ID', head],
      ['CREDIT_CARD', tail],
    ]);
    expect(quick.result.results[1]?.line).toBeNull(); // lines after a gap are not known

    const full = await scanFile(client, { filePath: 'big.txt', datasetId: crypto.randomUUID(), scanType: 'full' });
    expect(full.result).toMatchObject({ sampled: false, bytesScanned: doc.text.length });
    expect(full.result.results.map((f) => f.offset)).toEqual([head, middle + 'ghp token '.length, tail]);
  });

  it('binary files: says binary, finds signatures and printable secrets', async () => {
    const client = freshTenant();
    const bytes = new Uint8Array(200_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251;
    const enc = new TextEncoder();
    bytes.set(enc.encode(` ${AWS_KEY} `), 10_000);
    bytes.set(enc.encode(EICAR), 150_000);
    await upload(client, 'blob.bin', bytes);
    const job = await scanFile(client, { filePath: 'blob.bin', datasetId: crypto.randomUUID() });
    expect(job.result).toMatchObject({ binary: true, sampled: false, bytesScanned: 200_000 });
    expect(job.result.results.map((f) => [f.type, f.offset])).toEqual([
      ['AWS_ACCESS_KEY_ID', 10_001],
      ['EICAR_TEST_FILE', 150_000],
    ]);
  });

  it('needs no datasetId: without one the report says null', async () => {
    const client = freshTenant();
    await upload(client, 'loose.txt', 'contact jane.doe@example.com');
    const job = await scanFile(client, { filePath: 'loose.txt' });
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ datasetId: null, filePath: 'loose.txt', totalFindings: 1 });
  });

  it('an empty file scans clean', async () => {
    const client = freshTenant();
    await upload(client, 'empty.txt', '');
    const job = await scanFile(client, { filePath: 'empty.txt', datasetId: crypto.randomUUID() });
    expect(job.result).toMatchObject({ totalFindings: 0, riskScore: 0, riskLevel: 'none', bytesScanned: 0, results: [] });
    expect(job.result.compliance.GDPR?.status).toBe('pass');
  });

  it('rejects at creation: missing file, bad path, bad framework (listing the allowed ones), bad scanType, bad datasetId', async () => {
    const client = freshTenant();
    await upload(client, 'there.txt', 'hello');
    const id = crypto.randomUUID();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ filePath: 'missing.txt', datasetId: id }, 'filePath', 'No file at this path'],
      [{ datasetId: id }, 'filePath'],
      [{ filePath: '../x.txt', datasetId: id }, 'filePath'],
      [{ filePath: 'there.txt', datasetId: id, complianceFramework: ['GDPR', 'ISO27001'] }, 'complianceFramework', 'GDPR, HIPAA, PCI-DSS, SOC2, CCPA'],
      [{ filePath: 'there.txt', datasetId: id, complianceFramework: [] }, 'complianceFramework', 'GDPR, HIPAA, PCI-DSS, SOC2, CCPA'],
      [{ filePath: 'there.txt', datasetId: id, scanType: 'deep' }, 'scanType'],
      [{ filePath: 'there.txt', datasetId: 'nope' }, 'datasetId'],
    ];
    for (const [data, field, words] of cases) {
      const res = await client.json('POST', '/api/v1/jobs', { type: 'security_scan', data });
      expect(res.status, JSON.stringify(data)).toBe(400);
      const errors = (res.body.details?.errors ?? []) as { field: string; message: string }[];
      expect(res.body.details?.code).toBe('INVALID_JOB_DATA');
      const error = errors.find((e) => e.field.startsWith(field));
      expect(error, JSON.stringify(errors)).toBeDefined();
      if (words) expect(error?.message).toContain(words);
    }
    // Names in any letter case; the dataset need not exist.
    const job = await scanFile(client, { filePath: 'there.txt', datasetId: id, complianceFramework: ['pci-dss', 'Hipaa'] });
    expect(Object.keys(job.result.compliance)).toEqual(['PCI-DSS', 'HIPAA']);
  });

  it('tenant isolation: another tenant can neither scan the file nor see the job or its results', async () => {
    const owner = freshTenant();
    const other = freshTenant();
    await upload(owner, 'private.txt', `card ${CARD}\n`);
    const job = await scanFile(owner, { filePath: 'private.txt', datasetId: crypto.randomUUID() });
    expect(job.result.totalFindings).toBe(1);
    const scanOthers = await other.json('POST', '/api/v1/jobs', { type: 'security_scan', data: { filePath: 'private.txt', datasetId: crypto.randomUUID() } });
    expect(scanOthers.status).toBe(400);
    for (const path of [`/api/v1/jobs/${job.id}`, `/api/v1/jobs/${job.id}/result`, `/api/v1/jobs/${job.id}/history`]) {
      expect((await other.json('GET', path)).status, path).toBe(404);
    }
  });

  it('never shows a raw value: not in any job response, result page, history or audit entry', async () => {
    const client = freshTenant();
    const raw = [CARD, '4111 1111 1111 1111', AWS_KEY, SSN, '123456789', 'IOSFODNN7EXAMPL'];
    const text = `${filler(10_000)}card 4111 1111 1111 1111 and ${CARD}\nAWS ${AWS_KEY}\nSSN ${SSN}\n${filler(SCAN_UNIT)}`;
    await upload(client, 'secrets/planted.txt', text);
    const id = await createScan(client, { filePath: 'secrets/planted.txt', datasetId: crypto.randomUUID() });
    const bodies: string[] = [];
    const read = async (method: string, path: string, body?: unknown) => {
      const res = await client.request(method, path, body);
      const text = await res.text();
      bodies.push(text);
      return text;
    };
    await read('POST', `/api/v1/jobs/${id}/wait`, { timeout: 30_000 });
    const job = JSON.parse(await read('GET', `/api/v1/jobs/${id}`)) as { data: Job };
    expect(job.data.result.totalFindings).toBe(4);
    await read('GET', `/api/v1/jobs/${id}/result?limit=1000`);
    await read('GET', `/api/v1/jobs/${id}/history`);
    await read('GET', '/api/v1/audit?limit=500');
    await read('GET', '/api/v1/jobs?type=security_scan');
    for (const body of bodies) for (const value of raw) expect(body).not.toContain(value);
  });

  it('download: the full report as a JSON attachment, the paged findings, no raw value, Range, 404 and 409', async () => {
    const client = freshTenant();
    const raw = [CARD, AWS_KEY, SSN, '123456789'];
    // The findings span three result parts; the planted values sit in the first and the last.
    const emails = 2 * PART_SIZE + 47;
    const lines = [`card ${CARD} and SSN ${SSN}`, ...Array.from({ length: emails }, (_, i) => `user${i}@example.com`), `AWS ${AWS_KEY}`];
    await upload(client, 'report.txt', `${lines.join('\n')}\n`);
    const job = await scanFile(client, { filePath: 'report.txt', datasetId: crypto.randomUUID() });
    expect(job.result).toMatchObject({ detailedFindings: emails + 3, downloadUrl: `/api/v1/jobs/${job.id}/download` });

    const res = await client.request('GET', job.result.downloadUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="security-scan-${job.id}.json"`);
    const text = await res.text();
    const bytes = new TextEncoder().encode(text);
    expect(bytes.length).toBe(job.result.reportBytes);
    for (const value of raw) expect(text).not.toContain(value);
    const report = JSON.parse(text) as Omit<ScanSummary, 'results'> & { findings: Finding[] };
    const { results: _inline, resultsPage: _page, downloadUrl: _url, reportBytes: _bytes, ...summary } = job.result;
    expect(report).toEqual({ ...summary, findings: await allResults(client, job.id) });
    expect(report.findings.map((f) => f.type)).toEqual(['CREDIT_CARD', 'SSN', ...Array.from({ length: emails }, () => 'EMAIL'), 'AWS_ACCESS_KEY_ID']);

    const part = await client.request('GET', job.result.downloadUrl, undefined, { range: 'bytes=10-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-99/${bytes.length}`);
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([...bytes.subarray(10, 100)]);

    const stranger = await freshTenant().json('GET', job.result.downloadUrl);
    expect(stranger.status).toBe(404);
    expect(stranger.body.details?.code).toBe('JOB_NOT_FOUND');

    const later = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'security_scan',
      data: { filePath: 'report.txt', datasetId: crypto.randomUUID() },
      delay: 60_000,
    });
    const pending = await client.json('GET', `/api/v1/jobs/${later.body.data.jobId}/download`);
    expect(pending.status).toBe(409);
    expect(pending.body.details).toMatchObject({ code: 'RESULT_NOT_READY', currentStatus: 'pending' });
  });

  it('finds cards of every issuer and phones in national formats, and nothing in numbers that are not PII', async () => {
    const client = freshTenant();
    const doc = new Doc();
    const expected = MISSED_PII.map(({ text, value, type }) => [type, doc.add(`${text}\n`) + text.indexOf(value), value.length]);
    for (const text of Object.values(HARD_NEGATIVES)) doc.add(`${text}\n`);
    await upload(client, 'scans/numbers.txt', doc.text);
    const job = await scanFile(client, { filePath: 'scans/numbers.txt', datasetId: crypto.randomUUID() });
    expect(job.result.results.map((f) => [f.type, f.offset, f.length])).toEqual(expected);
  });

  it('keeps the OpenAPI document generating, with the security_scan body', async () => {
    const res = await freshTenant().request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('complianceFramework');
  });
});
