import { describe, expect, it } from 'vitest';
import { freshTenant } from './support/api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('POST /api/v1/jobs', () => {
  it('creates a job: 201, the seed shape, defaults and a Location header', async () => {
    const client = freshTenant();
    const res = await client.json('POST', '/api/v1/jobs', {
      type: 'sentiment_analysis_batch',
      data: { texts: ['I love this product!', 'This is terrible quality.'] },
    });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.data).toMatchObject({ type: 'sentiment_analysis_batch', status: expect.stringMatching(/pending|running/), priority: 'medium' });
    expect(res.body.data.jobId).toMatch(UUID);
    expect(Date.parse(String(res.body.data.createdAt))).not.toBeNaN();
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${String(res.body.data.jobId)}`);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('keeps the priority it was given', async () => {
    const client = freshTenant();
    const res = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['ok'] }, priority: 'critical' });
    expect(res.body.data.priority).toBe('critical');
  });

  it.each([
    ['an unknown type', { type: 'mine_bitcoin', data: {} }, /^Unknown job type; use one of sentiment_analysis_batch, /],
    ['a mistyped type', { type: 'file_procesing', data: {} }, /^Unknown job type; did you mean "file_processing"\?$/],
    ['a missing type', { data: { texts: ['x'] } }, /^Required: one of sentiment_analysis_batch, /],
    ['a non-string type', { type: 7, data: {} }, /^Must be a string: one of /],
  ])('answers INVALID_JOB_TYPE with the allowed types, and what is wrong, for %s', async (_name, body, message) => {
    const res = await freshTenant().json('POST', '/api/v1/jobs', body);
    expect(res.status).toBe(400);
    // `error` stays the contract's words; `details` says the rest.
    expect(res.body).toMatchObject({ success: false, error: 'Invalid job type', details: { code: 'INVALID_JOB_TYPE' } });
    expect(res.body.details?.allowedTypes).toEqual(['sentiment_analysis_batch', 'file_processing', 'security_scan', 'data_export']);
    expect(res.body.details?.errors).toEqual([{ field: 'type', message: expect.stringMatching(message) }]);
  });

  it('suggests the field meant by a mistyped one, and never echoes a key that could be data', async () => {
    const client = freshTenant();
    const typo = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { text: ['x'], enablePiiMasking: false }, priorty: 'high' });
    expect(typo.status).toBe(400);
    expect(typo.body.error).toBe('Invalid job data');
    expect(typo.body.details?.errors).toEqual(
      expect.arrayContaining([
        { field: 'text', message: 'Unknown field; did you mean "texts"?' },
        { field: 'enablePiiMasking', message: 'Unknown field; did you mean "enablePIIMasking"?' },
        { field: 'priorty', message: 'Unknown field; did you mean "priority"?' },
      ]),
    );
    // Nested objects too: data_export's filters.
    const nested = await client.json('POST', '/api/v1/jobs', { type: 'data_export', data: { datasetId: crypto.randomUUID(), format: 'csv', filters: { sentimnt: 'positive' } } });
    expect(nested.body.details?.errors).toEqual([{ field: 'filters.sentimnt', message: 'Unknown field; did you mean "sentiment"?' }]);

    const pii = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'], 'jane.doe@example.com': 1 } });
    expect(pii.body.details?.errors).toEqual([{ field: '(unnamed)', message: 'Unknown field' }]);
    expect(JSON.stringify(pii.body)).not.toContain('jane');
  });

  it.each([
    ['empty texts', { texts: [] }, 'texts', /at least 1/],
    ['too many texts', { texts: Array.from({ length: 10_001 }, () => 'x') }, 'texts', /at most 10000/],
    ['an empty text', { texts: ['fine', ''] }, 'texts[1]', /empty/],
    ['a text over 10,000 characters', { texts: ['a'.repeat(10_001)] }, 'texts[0]', /at most 10000/],
    ['a non-string text', { texts: ['ok', 42] }, 'texts[1]', /string/],
    ['texts missing', {}, 'texts', /array/],
    ['a non-boolean flag', { texts: ['x'], enablePIIMasking: 'yes' }, 'enablePIIMasking', /boolean/],
    ['an unsupported language', { texts: ['x'], language: 'xx' }, 'language', /supported languages: en, es, fr, de, it, pt, nl/],
    ['an unknown field', { texts: ['x'], colour: 'blue' }, 'colour', /Unknown field/],
  ])('answers INVALID_JOB_DATA naming the field for %s', async (_name, data, field, message) => {
    const res = await freshTenant().json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data });
    expect(res.status).toBe(400);
    expect(res.body.details?.code).toBe('INVALID_JOB_DATA');
    const errors = res.body.details?.errors as { field: string; message: string }[];
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
  });

  it('names top-level problems too: a bad priority, a missing data object, fields a client may not set', async () => {
    const client = freshTenant();
    const bad = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch', data: { texts: ['x'] }, priority: 'urgent' });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.errors).toEqual([expect.objectContaining({ field: 'priority' })]);

    const noData = await client.json('POST', '/api/v1/jobs', { type: 'sentiment_analysis_batch' });
    expect(noData.body.details?.errors).toEqual([expect.objectContaining({ field: 'data' })]);

    const sneaky = await client.json('POST', '/api/v1/jobs', {
      type: 'sentiment_analysis_batch',
      data: { texts: ['x'] },
      status: 'completed',
      tenant: 'someone-else',
    });
    expect(sneaky.status).toBe(400);
    expect((sneaky.body.details?.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['status', 'tenant']);
  });

  it('answers malformed JSON with INVALID_JSON, not a 500', async () => {
    const res = await freshTenant().request('POST', '/api/v1/jobs', '{"type": "sentiment_analysis_batch", ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, details: { code: 'INVALID_JSON' } });
  });

  it('answers a non-JSON content type with 415', async () => {
    const res = await freshTenant().request('POST', '/api/v1/jobs', 'type=sentiment_analysis_batch', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ success: false, details: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('answers a body that is not an object with a 400 envelope', async () => {
    for (const body of ['[]', '"text"', 'null', '42']) {
      const res = await freshTenant().request('POST', '/api/v1/jobs', body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
  });

  it('refuses an over-long body with 413, also when it is sent chunked without Content-Length', async () => {
    const client = freshTenant();
    const huge = JSON.stringify({ type: 'sentiment_analysis_batch', data: { texts: ['x'.repeat(17 * 1024 * 1024)] } });
    const sized = await client.request('POST', '/api/v1/jobs', huge);
    expect(sized.status).toBe(413);
    expect(await sized.json()).toMatchObject({ details: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 16 * 1024 * 1024 } });

    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await (await import('cloudflare:workers')).exports.default.fetch(
      new Request('http://localhost/api/v1/jobs', {
        method: 'POST',
        headers: { authorization: `Bearer ${client.key}`, 'content-type': 'application/json' },
        body: stream,
      }),
    );
    expect(streamed.status).toBe(413);
  });

  it('answers unknown routes and methods with a 404 envelope', async () => {
    const client = freshTenant();
    for (const [method, path] of [['GET', '/api/v1/nothing'], ['PUT', '/api/v1/jobs']] as const) {
      const res = await client.json(method, path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, details: { code: 'NOT_FOUND' } });
    }
  });
});
