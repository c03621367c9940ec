import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MIN_PART_BYTES, partLayoutProblem } from '../src/api/routes/files.ts';
import { parseRange } from '../src/api/serve-object.ts';
import { filePathProblem } from '../src/storage/file-keys.ts';
import { freshTenant, type Client } from './support/api.ts';

async function put(client: Client, path: string, body: string, headers: Record<string, string> = {}) {
  const res = await client.request('PUT', `/api/v1/files/${path}`, body, { 'content-type': 'text/plain', ...headers });
  return { status: res.status, body: (await res.json()) as { data: Record<string, unknown>; details?: { code: string } } };
}

/** Every key in the bucket: path attacks must leave it exactly as it was. */
async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.BLOBS.list(cursor ? { cursor } : {});
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys.sort();
}

describe('files: upload, download, list, delete', () => {
  it('PUT stores the body under the tenant prefix and answers 201, then 200 + overwritten', async () => {
    const client = freshTenant();
    const first = await put(client, 'reviews/a.csv', 'text\nhello\n');
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ path: 'reviews/a.csv', size: 11, overwritten: false });
    expect(typeof first.body.data.etag).toBe('string');
    expect(Date.parse(String(first.body.data.uploadedAt))).not.toBeNaN();
    expect(await env.BLOBS.head(`t/${client.tenant}/files/reviews/a.csv`)).not.toBeNull();

    const second = await put(client, 'reviews/a.csv', 'text\nbye\n');
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({ overwritten: true, size: 9 });

    const res = await client.request('GET', '/api/v1/files/reviews/a.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(await res.text()).toBe('text\nbye\n');
  });

  it('GET honours Range: start-end, open end, suffix, and 416 outside the file', async () => {
    const client = freshTenant();
    await put(client, 'r.txt', '0123456789');
    const range = async (header: string) => {
      const res = await client.request('GET', '/api/v1/files/r.txt', undefined, { range: header });
      return { status: res.status, text: await res.text(), contentRange: res.headers.get('content-range') };
    };
    expect(await range('bytes=2-4')).toEqual({ status: 206, text: '234', contentRange: 'bytes 2-4/10' });
    expect(await range('bytes=7-')).toEqual({ status: 206, text: '789', contentRange: 'bytes 7-9/10' });
    expect(await range('bytes=-2')).toEqual({ status: 206, text: '89', contentRange: 'bytes 8-9/10' });
    expect(await range('bytes=5-100')).toMatchObject({ status: 206, text: '56789' });
    const outside = await range('bytes=10-20');
    expect(outside.status).toBe(416);
    expect(outside.contentRange).toBe('bytes */10');
  });

  it('parseRange ignores what it cannot serve as one range', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
  });

  it('lists by prefix with a cursor, and deletes', async () => {
    const client = freshTenant();
    for (const name of ['a/1.txt', 'a/2.txt', 'a/3.txt', 'b/1.txt']) await put(client, name, name);
    const first = await client.json<{ files: { path: string }[]; cursor: string | null }>('GET', '/api/v1/files?prefix=a/&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.files.map((f) => f.path)).toEqual(['a/1.txt', 'a/2.txt']);
    expect(first.body.data.cursor).toEqual(expect.any(String));
    const second = await client.json<{ files: { path: string }[]; cursor: string | null }>(
      'GET',
      `/api/v1/files?prefix=a/&limit=2&cursor=${encodeURIComponent(first.body.data.cursor ?? '')}`,
    );
    expect(second.body.data.files.map((f) => f.path)).toEqual(['a/3.txt']);
    expect(second.body.data.cursor).toBeNull();

    const del = await client.json('DELETE', '/api/v1/files/a/2.txt');
    expect(del.status).toBe(200);
    expect((await client.json('DELETE', '/api/v1/files/a/2.txt')).status).toBe(404);
    expect((await client.request('GET', '/api/v1/files/a/2.txt')).status).toBe(404);
    const all = await client.json<{ files: { path: string }[] }>('GET', '/api/v1/files');
    expect(all.body.data.files.map((f) => f.path)).toEqual(['a/1.txt', 'a/3.txt', 'b/1.txt']);
  });

  it('a PUT needs a Content-Length within the single-upload cap; larger bodies go multipart', async () => {
    const client = freshTenant();
    const res = await client.request('PUT', '/api/v1/files/big.bin', 'x', { 'content-length': String(100_000_001) });
    expect(res.status).toBe(413);
    const streamed = await exports.default.fetch(
      new Request('http://localhost/api/v1/files/s.bin', {
        method: 'PUT',
        headers: { authorization: `Bearer ${client.key}` },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('abc'));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(411);
  });

  it('file bodies are exempt from the JSON body limit (MAX_BODY_BYTES)', async () => {
    const client = freshTenant();
    const big = 'x'.repeat(17 * 1024 * 1024);
    const res = await put(client, 'over-json-limit.txt', big);
    expect(res.status).toBe(201);
    expect(res.body.data.size).toBe(big.length);
  });
});

describe('files: tenant isolation', () => {
  it("one tenant cannot read, list, overwrite or delete another's files", async () => {
    const alice = freshTenant();
    const bob = freshTenant();
    await put(alice, 'secret.txt', 'alice only');
    expect((await bob.request('GET', '/api/v1/files/secret.txt')).status).toBe(404);
    expect((await bob.json('DELETE', '/api/v1/files/secret.txt')).status).toBe(404);
    const list = await bob.json<{ files: unknown[] }>('GET', '/api/v1/files');
    expect(list.body.data.files).toEqual([]);
    await put(bob, 'secret.txt', 'bob');
    const res = await alice.request('GET', '/api/v1/files/secret.txt');
    expect(await res.text()).toBe('alice only');
  });

  it("an upload id from another tenant is unknown", async () => {
    const alice = freshTenant();
    const bob = freshTenant();
    const started = await alice.json<{ uploadId: string }>('POST', '/api/v1/files/m.bin?uploads');
    const id = encodeURIComponent(started.body.data.uploadId);
    const res = await bob.request('PUT', `/api/v1/files/m.bin?uploadId=${id}&partNumber=1`, 'x');
    expect(res.status).toBe(404);
    expect((await bob.json('DELETE', `/api/v1/files/m.bin?uploadId=${id}`)).status).toBe(404);
  });
});

describe('files: path attacks', () => {
  // What reaches the worker after the URL parser: it resolves `..`, `.`, `%2e` and `\` itself, so
  // those arrive as other, harmless paths; what survives it must be refused here.
  const attacks = [
    'a//b.txt',
    'a/b/',
    'a%2Fb.txt',
    'a%2f..%2fb',
    '%2e%2e%2fother',
    'a%00b',
    'a%5c..%5cb',
    'sp ace.txt',
    'quote".txt',
    'x'.repeat(1025),
    '',
  ];

  const named = attacks.map((a) => [a.length > 40 ? `${a.slice(0, 4)}… (${a.length} chars)` : JSON.stringify(a), a] as const);

  it.each(named)('%s → 400 for PUT, GET, DELETE and multipart, touching nothing', async (_name, attack) => {
    const client = freshTenant();
    const before = await allKeys();
    for (const [method, suffix] of [
      ['PUT', ''],
      ['GET', ''],
      ['DELETE', ''],
      ['POST', '?uploads'],
    ] as const) {
      const res = await client.request(method, `/api/v1/files/${attack}${suffix}`, method === 'PUT' ? 'payload' : undefined);
      expect(res.status, `${method} ${attack}`).toBe(400);
      const body = (await res.json()) as { details: { code: string } };
      expect(body.details.code).toBe('INVALID_PATH');
    }
    expect(await allKeys()).toEqual(before);
  });

  it('dot segments are resolved before the worker sees them, and stay inside the tenant', async () => {
    const client = freshTenant();
    const res = await client.request('PUT', '/api/v1/files/a/../../../../t/other/files/x.txt', 'payload', { 'content-type': 'text/plain' });
    // The runtime resolves the path to /api/v1/t/other/files/x.txt, which is no route.
    expect(res.status).toBe(404);
    const inside = await client.request('PUT', '/api/v1/files/a/b/../c.txt', 'payload', { 'content-type': 'text/plain' });
    expect(inside.status).toBe(201);
    const keys = (await allKeys()).filter((k) => k.includes('c.txt') || k.includes('x.txt'));
    expect(keys).toEqual([`t/${client.tenant}/files/a/c.txt`]);
  });

  it('a listing prefix is held to the same rules', async () => {
    const client = freshTenant();
    for (const prefix of ['../', 'a//', '/a', 'a/../b', '%2e%2e']) {
      const res = await client.request('GET', `/api/v1/files?prefix=${encodeURIComponent(prefix)}`);
      expect(res.status, prefix).toBe(400);
    }
  });

  it.each([
    ['ok/path_1-2.csv', null],
    ['.hidden', null],
    ['a/..', 'The path must not contain . or .. segments'],
    ['./a', 'The path must not contain . or .. segments'],
    ['/abs', 'The path must not start with /'],
    ['a\u0000b', 'The path may contain only letters, digits and / _ . -'],
    ['a\\b', 'The path may contain only letters, digits and / _ . -'],
  ])('filePathProblem(%j)', (path, problem) => {
    expect(filePathProblem(path)).toBe(problem);
  });
});

describe('files: multipart upload', () => {
  const MiB = 1024 * 1024;

  it('uploads parts, completes into one file, and downloads it whole', async () => {
    const client = freshTenant();
    const start = await client.json<{ uploadId: string; minPartBytes: number }>('POST', '/api/v1/files/big/data.csv?uploads');
    expect(start.status).toBe(201);
    expect(start.body.data.minPartBytes).toBe(MIN_PART_BYTES);
    const id = encodeURIComponent(start.body.data.uploadId);
    const parts = ['a'.repeat(5 * MiB), 'b'.repeat(5 * MiB), 'c'.repeat(1000)];
    const etags: { partNumber: number; etag: string }[] = [];
    for (const [i, body] of parts.entries()) {
      const res = await client.request('PUT', `/api/v1/files/big/data.csv?uploadId=${id}&partNumber=${i + 1}`, body);
      expect(res.status).toBe(200);
      const data = ((await res.json()) as { data: { partNumber: number; etag: string; size: number } }).data;
      expect(data.size).toBe(body.length);
      etags.push({ partNumber: data.partNumber, etag: data.etag });
    }
    const done = await client.json<{ size: number; overwritten: boolean }>('POST', `/api/v1/files/big/data.csv?uploadId=${id}`, { parts: etags });
    expect(done.status).toBe(201);
    expect(done.body.data).toMatchObject({ size: 10 * MiB + 1000, overwritten: false });
    const tail = await client.request('GET', '/api/v1/files/big/data.csv', undefined, { range: `bytes=${10 * MiB - 2}-${10 * MiB + 1}` });
    expect(await tail.text()).toBe('bbcc');
    // The bookkeeping is gone: the upload id no longer works.
    expect((await client.json('DELETE', `/api/v1/files/big/data.csv?uploadId=${id}`)).status).toBe(404);
  });

  it('refuses a bad part size when the part arrives, not at completion', async () => {
    const client = freshTenant();
    const start = await client.json<{ uploadId: string }>('POST', '/api/v1/files/p.bin?uploads');
    const id = encodeURIComponent(start.body.data.uploadId);
    const small = await client.request('PUT', `/api/v1/files/p.bin?uploadId=${id}&partNumber=1`, 'x'.repeat(1024));
    expect(small.status).toBe(200); // it may yet be the last part
    const next = await client.json('PUT', `/api/v1/files/p.bin?uploadId=${id}&partNumber=2`, 'y'.repeat(5 * MiB));
    expect(next.status).toBe(400);
    expect(next.body.details).toMatchObject({ code: 'INVALID_PART', partNumber: 2 });
    expect(next.body.error).toMatch(/Part 1 is 1024 bytes/);
    const bad = await client.json('PUT', `/api/v1/files/p.bin?uploadId=${id}&partNumber=0`, 'z');
    expect(bad.status).toBe(400);
    const aborted = await client.json('DELETE', `/api/v1/files/p.bin?uploadId=${id}`);
    expect(aborted.status).toBe(200);
    expect((await client.request('GET', '/api/v1/files/p.bin')).status).toBe(404);
  });

  it('partLayoutProblem: equal parts but the last, each at least 5 MiB', () => {
    const p = (partNumber: number, size: number) => ({ partNumber, size });
    expect(partLayoutProblem([p(1, 10)])).toBeNull();
    expect(partLayoutProblem([p(1, 5 * MiB), p(2, 5 * MiB), p(3, 1)])).toBeNull();
    expect(partLayoutProblem([p(2, 5 * MiB), p(1, 6 * MiB)])).toBeNull();
    expect(partLayoutProblem([p(1, 5 * MiB), p(2, 6 * MiB), p(3, 1)])).toMatch(/Part 2 is/);
    expect(partLayoutProblem([p(1, 5 * MiB), p(2, 6 * MiB)])).toMatch(/larger than the other parts/);
  });
});
