import { describe, expect, it } from 'vitest';
import { md5, sha1, sha256 } from '../src/scan/digest.ts';
import { MALWARE_SIGNATURES, matchFileHash } from '../src/scan/malware.ts';
import { maskPreview } from '../src/scan/mask-preview.ts';
import { createScanner, WINDOW, type ScannerOptions } from '../src/scan/scanner.ts';
import type { Finding, ScanResult } from '../src/scan/types.ts';

const enc = new TextEncoder();
const EICAR = MALWARE_SIGNATURES[0]?.text ?? '';
const ghp = (seed: number): string => `ghp_${String(seed).padStart(6, '0')}${'aB3dE5gH7jK9mN1pQ3sT5vW7yZx8Cq'}`;

function scan(data: Uint8Array | string, chunkSize = 64 * 1024, options: ScannerOptions = {}): ScanResult {
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  const s = createScanner(options);
  for (let o = 0; o < bytes.length; o += chunkSize) s.push(bytes.subarray(o, o + chunkSize), o);
  return s.finish();
}
const summary = (r: ScanResult): string[] => r.findings.map((f) => `${f.type}@${f.offset}+${f.length} ${f.line}:${f.column}`);

describe('positions', () => {
  it('reports 1-based line and column (in characters) and UTF-8 byte offsets', () => {
    const text = 'héllo wörld\n  ✓ card 4111111111111111\n😀 AKIAIOSFODNN7EXAMPLE\n';
    const r = scan(text);
    const card = r.findings.find((f) => f.type === 'CREDIT_CARD');
    const aws = r.findings.find((f) => f.type === 'AWS_ACCESS_KEY_ID');
    expect(card).toMatchObject({ line: 2, column: 10, offset: enc.encode('héllo wörld\n  ✓ card ').length, length: 16, preview: '4111********1111' });
    expect(aws).toMatchObject({ line: 3, column: 3, offset: enc.encode('héllo wörld\n  ✓ card 4111111111111111\n😀 ').length, length: 20, preview: 'AKIA************MPLE' });
  });

  it('gives the same findings whatever the chunk sizes', () => {
    const text = `a@b.co\ntoken ${ghp(1)} 4111 1111 1111 1111\nSSN 123-45-6789 ü\n${EICAR}\npostgres://u:${'Zq8xW3vR'}@h/db`;
    const whole = summary(scan(text));
    expect(whole.length).toBe(6);
    for (const size of [1, 2, 3, 5, 7, 13, 64]) expect(summary(scan(text, size))).toEqual(whole);
  });

  it('finds each match straddling a window edge exactly once', () => {
    // Slide a token and a multi-byte prefix across the first window boundary.
    for (let shift = -60; shift <= 60; shift += 3) {
      const token = ghp(shift + 100);
      const before = 'é'.repeat(10) + 'x'.repeat(WINDOW + shift - 20 - 1) + ' ';
      const text = `${before}${token} trailing\n${'y'.repeat(WINDOW)}`;
      const r = scan(text, 4096);
      expect(r.findings.map((f) => [f.type, f.offset, f.length])).toEqual([['GITHUB_PAT', enc.encode(before).length, 40]]);
      expect(r.findings[0]?.column).toBe(Array.from(before).length + 1);
    }
  });

  it('keeps line numbers across windows', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => (i === 15000 ? `key AKIAIOSFODNN7EXAMPLE` : `line ${i} of some text`));
    const r = scan(lines.join('\n'), 1000);
    expect(r.findings).toMatchObject([{ type: 'AWS_ACCESS_KEY_ID', line: 15001, column: 5 }]);
  });
});

describe('masking', () => {
  it('masks previews, keeping less of short values', () => {
    expect(maskPreview('4111111111111111')).toBe('4111********1111');
    expect(maskPreview('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA************MPLE');
    expect(maskPreview('123-45-6789')).toBe('1*********9');
    expect(maskPreview('hunter2')).toBe('*******');
    expect(maskPreview('x'.repeat(200))).toHaveLength(4 + 24 + 4);
  });

  it('never puts a raw value in the result', () => {
    const secrets = [ghp(9), '4111111111111111', '123-45-6789', 'Zq8xW3vRt6Yp', 'jane.doe@corp.example'];
    const text = `GITHUB_TOKEN=${secrets[0]}\ncard ${secrets[1]}\nssn ${secrets[2]}\nredis://:${secrets[3]}@cache\nmail ${secrets[4]}`;
    const json = JSON.stringify(scan(text));
    for (const s of secrets) expect(json).not.toContain(s);
    expect(scan(text).totalFindings).toBe(5);
  });
});

describe('malware signatures', () => {
  it('has consistent EICAR digests', () => {
    const bytes = enc.encode(EICAR);
    expect(bytes.length).toBe(68);
    const sig = MALWARE_SIGNATURES[0];
    expect([md5(bytes), sha1(bytes), sha256(bytes)]).toEqual([sig?.md5, sig?.sha1, sig?.sha256]);
    expect(matchFileHash(bytes)?.type).toBe('EICAR_TEST_FILE');
    expect(matchFileHash(enc.encode(`${EICAR} `))).toBeNull();
  });

  it('digests match known vectors', () => {
    expect(md5(enc.encode('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(sha1(enc.encode('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha256(enc.encode(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('finds the EICAR file once (string and hash agree) and EICAR text anywhere', () => {
    const r = scan(EICAR);
    expect(r.findings).toMatchObject([{ type: 'EICAR_TEST_FILE', category: 'malware', severity: 'critical', offset: 0, length: 68 }]);
    const inside = scan(`${'z'.repeat(WINDOW - 30)}\n${EICAR}\n${'z'.repeat(1000)}`, 7);
    expect(inside.findings).toMatchObject([{ type: 'EICAR_TEST_FILE', offset: WINDOW - 29, line: 2, column: 1 }]);
  });

  it('finds EICAR in a binary file', () => {
    const bytes = new Uint8Array(5000);
    bytes.set(enc.encode(EICAR), 3000);
    const r = scan(bytes, 100);
    expect(r.binary).toBe(true);
    expect(r.findings).toMatchObject([{ type: 'EICAR_TEST_FILE', offset: 3000 }]);
  });
});

describe('binary files', () => {
  it('scans printable strings of 6+ chars only, and says the file was binary', () => {
    const parts = [new Uint8Array([0, 1, 2, 255]), enc.encode(`AKIAIOSFODNN7EXAMPLE`), new Uint8Array([0, 7]), enc.encode('4111'), new Uint8Array([0]), enc.encode('1111111111111')];
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    const r = scan(bytes);
    expect(r.binary).toBe(true);
    // The card number is split by a NUL byte: not one string, so not a card.
    expect(r.findings.map((f) => [f.type, f.offset])).toEqual([['AWS_ACCESS_KEY_ID', 4]]);
  });

  it('treats text with a few control bytes as text', () => {
    expect(scan('plain text\twith\ttabs\r\nand \x1b[31mcolour\x1b[0m\n').binary).toBe(false);
  });
});

describe('streams with gaps (sampling)', () => {
  it('says it sampled, and leaves line numbers unknown after a gap', () => {
    const s = createScanner();
    s.push(enc.encode('a\nAKIAIOSFODNN7EXAMPLE\n'), 0);
    s.push(enc.encode(`x ${ghp(3)}\ny ${ghp(4)}\n`), 1000);
    const r = s.finish();
    expect(r.sampled).toBe(true);
    expect(r.findings.map((f) => [f.type, f.offset, f.line, f.column])).toEqual([
      ['AWS_ACCESS_KEY_ID', 2, 2, 1],
      ['GITHUB_PAT', 1002, null, null],
      ['GITHUB_PAT', 1000 + 2 + 40 + 1 + 2, null, 3],
    ]);
  });

  it('skips bytes pushed twice, and counts fewer bytes than fileSize as sampled', () => {
    const bytes = enc.encode(`x ${ghp(5)} y`);
    const s = createScanner({ fileSize: 1000 });
    s.push(bytes.subarray(0, 20), 0);
    s.push(bytes.subarray(10), 10);
    const r = s.finish();
    expect(r.totalFindings).toBe(1);
    expect(r.bytesScanned).toBe(bytes.length);
    expect(r.sampled).toBe(true);
    expect(scan(bytes).sampled).toBe(false);
  });
});

describe('findings cap', () => {
  it('keeps maxFindings in detail and exact counts', () => {
    const text = Array.from({ length: 50 }, (_, i) => `user${i}@mail.example.com ${ghp(i)}`).join('\n');
    const r = scan(text, 999, { maxFindings: 10 });
    expect(r.findings).toHaveLength(10);
    expect(r.totalFindings).toBe(100);
    expect(r.findingsTruncated).toBe(true);
    expect(Object.fromEntries(r.counts.map((c) => [c.type, c.count]))).toEqual({ EMAIL: 50, GITHUB_PAT: 50 });
    expect(r.countsBySeverity).toEqual({ low: 50, medium: 0, high: 0, critical: 50 });
  });
});

describe('adversarial inputs (results, not timings)', () => {
  it('100 KB of "1.1.1." repeated', () => {
    const r = scan('1.1.1.'.repeat(100 * 1024 / 6));
    expect(r.totalFindings).toBe(0);
  });

  it('100 KB of "123-45-" repeated', () => {
    const r = scan('123-45-'.repeat(100 * 1024 / 7));
    expect(r.counts.filter((c) => c.type === 'SSN')).toEqual([]);
  });

  it('1 MB of base64 without line breaks', () => {
    let s = 12345;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const chars = new Uint8Array(1024 * 1024);
    for (let i = 0; i < chars.length; i++) {
      s = (s * 48271) % 2147483647;
      chars[i] = alphabet.charCodeAt(s & 63);
    }
    const r = scan(chars);
    expect(r.binary).toBe(false);
    expect(r.findings.filter((f) => f.category === 'secret')).toEqual([]);
  });

  it('100 KB of "-----BEGIN " repeated', () => {
    expect(scan('-----BEGIN '.repeat(100 * 1024 / 11)).totalFindings).toBe(0);
  });

  it('a long line of assignments and JWT-like fragments', () => {
    const r = scan(`${'eyJ.'.repeat(20000)}${'token='.repeat(20000)}${'a:b@'.repeat(20000)}`);
    expect(r.totalFindings).toBe(0);
  });
});

describe('snapshot and resume', () => {
  /**
   * Pushes `bytes` in `chunk`-sized pieces (or only `ranges` of it); every `every` bytes takes a
   * snapshot, sends it through JSON, drops the scanner and resumes a new one from the snapshot's
   * resumeOffset, as a job slice would. Drained findings are collected along the way.
   */
  function resumed(bytes: Uint8Array, every: number, chunk = 4096, options: ScannerOptions = {}, ranges = [{ start: 0, end: bytes.length }]) {
    let s = createScanner(options);
    const drained: Finding[] = [];
    let furthest = 0; // bytes pushed again after a resume do not count towards the next snapshot
    let sinceSnapshot = 0;
    for (let r = 0; r < ranges.length; r++) {
      const range = ranges[r] ?? { start: 0, end: 0 };
      for (let o = range.start; o < range.end; ) {
        const end = Math.min(range.end, o + chunk);
        s.push(bytes.subarray(o, end), o);
        sinceSnapshot += Math.max(0, end - Math.max(o, furthest));
        furthest = Math.max(furthest, end);
        o = end;
        if (sinceSnapshot < every) continue;
        sinceSnapshot = 0;
        drained.push(...s.drainFindings());
        const snap = JSON.parse(JSON.stringify(s.snapshot())) as ReturnType<typeof s.snapshot>;
        expect(snap.resumeOffset).toBeLessThanOrEqual(o);
        expect(o - snap.resumeOffset).toBeLessThanOrEqual(WINDOW + 4096);
        s = createScanner({ ...options, resume: snap });
        // The slice edge: the next invocation re-reads from the resume offset, in its own range.
        if (snap.resumeOffset < o && snap.resumeOffset >= range.start) o = snap.resumeOffset;
      }
    }
    const result = s.finish();
    return { ...result, findings: [...drained, ...result.findings] };
  }

  const text = (n: number): string =>
    Array.from({ length: n }, (_, i) =>
      i % 97 === 0 ? `card 4111 1111 1111 1111 and ${ghp(i)}` : i % 131 === 0 ? EICAR : i % 53 === 0 ? `ssn 123-45-6789 ü` : `line ${i} plain text ✓`,
    ).join('\n');

  it('gives the same result as an uninterrupted scan, whatever the snapshot points', () => {
    const bytes = enc.encode(text(20_000));
    const whole = scan(bytes, 4096, { maxFindings: 100_000 });
    expect(whole.totalFindings).toBeGreaterThan(500);
    for (const every of [1, 5000, 65_536, 100_003]) {
      const r = resumed(bytes, every, 4096, { maxFindings: 100_000 });
      expect(r, String(every)).toEqual(whole);
    }
  });

  it('keeps the cap on detailed findings across resumes', () => {
    const bytes = enc.encode(text(20_000));
    const whole = scan(bytes, 4096, { maxFindings: 50 });
    const r = resumed(bytes, 30_000, 4096, { maxFindings: 50 });
    expect(r).toEqual(whole);
    expect(r.findings).toHaveLength(50);
    expect(r.findingsTruncated).toBe(true);
  });

  it('finds a value straddling the snapshot edge once', () => {
    for (const at of [65_536 - 30, 65_536 - 5, 65_536]) {
      const bytes = enc.encode(`${'x'.repeat(at)}${EICAR} 4111111111111111 ${'y'.repeat(70_000)}`);
      const r = resumed(bytes, 65_536, 65_536);
      expect(r.findings.map((f) => [f.type, f.offset])).toEqual([
        ['EICAR_TEST_FILE', at],
        ['CREDIT_CARD', at + EICAR.length + 1],
      ]);
    }
  });

  it('still hashes a small file whole when it was resumed mid-way', () => {
    const bytes = enc.encode(`${EICAR}\n`);
    const whole = scan(bytes, 16);
    const r = resumed(bytes, 16, 16);
    expect(r).toEqual(whole);
  });

  it('resumes sampled and binary scans', () => {
    const bin = new Uint8Array(300_000);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 251;
    bin.set(enc.encode(` AKIAIOSFODNN7EXAMPLE ${EICAR} `), 200_000);
    const ranges = [{ start: 0, end: 50_000 }, { start: 150_000, end: 250_000 }];
    const uninterrupted = createScanner({ fileSize: bin.length });
    for (const range of ranges) uninterrupted.push(bin.subarray(range.start, range.end), range.start);
    const whole = uninterrupted.finish();
    expect(whole).toMatchObject({ binary: true, sampled: true, bytesScanned: 150_000 });
    expect(resumed(bin, 20_000, 8192, { fileSize: bin.length }, ranges)).toEqual(whole);
  });
});
