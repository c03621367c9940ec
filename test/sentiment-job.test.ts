import { describe, expect, it } from 'vitest';
import { freshTenant, type Client } from './support/api.ts';
import { HARD_NEGATIVES, MISSED_PII } from './support/pii-cases.ts';

interface Item {
  text: string;
  sentiment?: string;
  score?: number;
  confidence?: number;
  piiTypes?: string[];
  keywords?: string[];
  error?: { code: string; message: string };
}
interface Result {
  totalProcessed: number;
  results: Item[];
  summary: { successful: number; failed: number; averageScore: number; distribution: Record<string, number> };
  resultsPage?: { offset: number; limit: number; total: number; nextOffset: number; next: string };
}
interface Job {
  status: string;
  progress: number;
  processingStats: { totalItems: number; processedItems: number; failedItems: number; averageProcessingTime: number; currentSpeed: string };
  result: Result;
}

async function run(client: Client, texts: string[], data: Record<string, unknown> = {}): Promise<{ id: string; job: Job; raw: string }> {
  const id = await client.createSentiment(texts, data);
  const res = await client.request('POST', `/api/v1/jobs/${id}/wait`, { timeout: 60_000 });
  const raw = await res.text();
  expect(res.status, raw.slice(0, 300)).toBe(200);
  return { id, job: (JSON.parse(raw) as { data: Job }).data, raw };
}

describe('sentiment_analysis_batch', () => {
  it('scores each text, summarises the batch and reports processing stats', async () => {
    const texts = ['I love this product, it is wonderful!', 'This is terrible quality. I hate it.', 'The box is blue.'];
    const { job } = await run(freshTenant(), texts);
    expect(job.status).toBe('completed');
    expect(job.progress).toBe(100);
    expect(job.result.results.map((r) => r.sentiment)).toEqual(['positive', 'negative', 'neutral']);
    for (const r of job.result.results) {
      expect(r.score).toBeGreaterThanOrEqual(-1);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    expect(job.result.totalProcessed).toBe(3);
    expect(job.result.summary).toMatchObject({ successful: 3, failed: 0, distribution: { positive: 1, negative: 1, neutral: 1 } });
    const scores = job.result.results.map((r) => r.score ?? 0);
    expect(job.result.summary.averageScore).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / 3, 2);
    expect(job.processingStats).toMatchObject({ totalItems: 3, processedItems: 3, failedItems: 0 });
    expect(job.processingStats.currentSpeed).toMatch(/^\d+ items\/second$/);
  });

  it('masks PII before analysis and never echoes it back', async () => {
    const pii = {
      email: 'jane.doe@example.com',
      phone: '+1 415-555-0132',
      card: '4111 1111 1111 1111',
      ssn: '123-45-6789',
      iban: 'GB82 WEST 1234 5698 7654 32',
      ip: '192.168.10.24',
    };
    const texts = [
      `Great support from ${pii.email}, call ${pii.phone} anytime!`,
      `Charge card ${pii.card} and note SSN ${pii.ssn}.`,
      `Refund to ${pii.iban} from host ${pii.ip} was terrible.`,
    ];
    const { job, raw } = await run(freshTenant(), texts);
    for (const value of Object.values(pii)) expect(raw).not.toContain(value);
    const [first, second, third] = job.result.results;
    expect(first?.text).toBe('Great support from [EMAIL], call [PHONE] anytime!');
    expect(first?.piiTypes?.sort()).toEqual(['EMAIL', 'PHONE']);
    expect(second?.text).toBe('Charge card [CREDIT_CARD] and note SSN [SSN].');
    expect(third?.text).toBe('Refund to [IBAN] from host [IP_ADDRESS] was terrible.');
    expect(third?.sentiment).toBe('negative');
  });

  it('masks cards of every issuer and phones in national formats, and leaves numbers that are not PII', async () => {
    const negatives = Object.values(HARD_NEGATIVES);
    const { job, raw } = await run(freshTenant(), [...MISSED_PII.map((c) => c.text), ...negatives]);
    for (const { value } of MISSED_PII) expect(raw).not.toContain(value);
    const results = job.result.results;
    expect(results.slice(0, MISSED_PII.length).map((r) => [r.text, r.piiTypes])).toEqual(
      MISSED_PII.map((c) => [c.text.replace(c.value, `[${c.type}]`), [c.type]]),
    );
    expect(results.slice(MISSED_PII.length).map((r) => [r.text, r.piiTypes])).toEqual(negatives.map((t) => [t, []]));
  });

  it('leaves the text as sent when masking is off', async () => {
    const { job } = await run(freshTenant(), ['Write to jane@example.com'], { enablePIIMasking: false });
    expect(job.result.results[0]?.text).toBe('Write to jane@example.com');
    expect(job.result.results[0]?.piiTypes).toBeUndefined();
  });

  it('adds keywords per text on request', async () => {
    const client = freshTenant();
    const { job } = await run(client, ['The battery life of this laptop is excellent, the battery lasts all day.'], { includeKeywords: true });
    expect(job.result.results[0]?.keywords).toContain('battery');
    const plain = await run(client, ['The battery life is excellent.']);
    expect(plain.job.result.results[0]?.keywords).toBeUndefined();
  });

  it('counts a text that cannot be analysed as failed, and still completes', async () => {
    const { job } = await run(freshTenant(), ['Brilliant!', '   ', 'Awful.']);
    expect(job.status).toBe('completed');
    expect(job.processingStats).toMatchObject({ processedItems: 2, failedItems: 1 });
    expect(job.result.summary).toMatchObject({ successful: 2, failed: 1 });
    expect(job.result.results[1]).toEqual({ text: '   ', error: { code: 'EMPTY_TEXT', message: expect.any(String) } });
  });

  it('inlines the first 1,000 results and pages the rest through /result', async () => {
    const client = freshTenant();
    const texts = Array.from({ length: 1234 }, (_, i) => `Item ${i} was ${i % 2 ? 'great' : 'bad'}.`);
    const { id, job } = await run(client, texts);
    expect(job.result.results).toHaveLength(1000);
    expect(job.result.resultsPage).toMatchObject({ offset: 0, limit: 1000, total: 1234, nextOffset: 1000 });
    expect(job.result.results[999]?.text).toBe('Item 999 was great.');
    // Three parts over several slices (every report yields here), each part's put beside the next
    // part's analysis: every item is counted once.
    expect(job.result.totalProcessed).toBe(1234);
    expect(job.processingStats).toMatchObject({ totalItems: 1234, processedItems: 1234, failedItems: 0 });
    const rest = await client.json<{ results: Item[] }>('GET', `/api/v1/jobs/${id}/result?offset=1000&limit=1000`);
    const verdicts = [...job.result.results, ...rest.body.data.results].map((r) => r.sentiment);
    expect(verdicts).toHaveLength(1234);
    const counted = { positive: 0, negative: 0, neutral: 0 };
    for (const v of verdicts) counted[v as keyof typeof counted] += 1;
    expect(job.result.summary).toMatchObject({ successful: 1234, failed: 0, distribution: counted });

    const page = await client.json<{ offset: number; total: number; results: Item[]; nextOffset: number | null }>(
      'GET',
      `/api/v1/jobs/${id}/result?offset=990&limit=200`,
    );
    expect(page.status).toBe(200);
    expect(page.body.data).toMatchObject({ offset: 990, total: 1234, nextOffset: 1190 });
    expect(page.body.data.results.map((r) => r.text)).toEqual(texts.slice(990, 1190));
    const last = await client.json<{ results: Item[]; nextOffset: number | null }>('GET', `/api/v1/jobs/${id}/result?offset=1200&limit=100`);
    expect(last.body.data.results).toHaveLength(34);
    expect(last.body.data.nextOffset).toBeNull();
    const bad = await client.json('GET', `/api/v1/jobs/${id}/result?limit=5000`);
    expect(bad.status).toBe(400);
    expect(bad.body.details?.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
  });
});

describe('sentiment_analysis_batch: verdicts a reader would agree with', () => {
  it('contrast, negation scope, requests, questions, facts and customer complaints', async () => {
    const cases: Array<[string, string]> = [
      ['It looks nice, but it stopped working after a week.', 'negative'], // the clause after "but" decides
      ['The battery is weak, but the screen is gorgeous.', 'positive'],
      ['Although it was expensive, it works perfectly.', 'positive'],
      ['Not bad at all.', 'positive'],
      ["I can't recommend it enough 😍", 'positive'],
      ["The technician didn't show up and nobody called.", 'negative'],
      ['Please send the invoice to the billing department.', 'neutral'],
      ['He called the support line on Friday morning.', 'neutral'],
      ['Can you tell me when my order will ship?', 'neutral'],
      ['The app keeps crashing every time I open it.', 'negative'],
      ['I waited an hour and the food was cold.', 'negative'],
      ['This is terrible quality.', 'negative'],
      ['My order was cancelled and I want a refund.', 'negative'],
      ['The update fixed the login problem.', 'positive'],
      ['The parcel arrived early, five stars.', 'positive'],
    ];
    const { job } = await run(freshTenant(), cases.map(([text]) => text), { enablePIIMasking: false });
    expect(job.result.results.map((r) => [r.text, r.sentiment])).toEqual(cases);
  });

  it('scores are ordered by strength', async () => {
    const texts = ['Absolutely wonderful, I love it!', 'Good.', "It's okay.", 'Bad.', 'Absolutely terrible, I hate it!'];
    const { job } = await run(freshTenant(), texts);
    const scores = job.result.results.map((r) => r.score ?? 0);
    for (let i = 1; i < scores.length; i += 1) expect(scores[i - 1]).toBeGreaterThan(scores[i] ?? 0);
    const loved = await run(freshTenant(), ['I love this product', "It's okay, nothing special"]);
    const [love, okay] = loved.job.result.results;
    expect(love?.score ?? 0).toBeGreaterThan(okay?.score ?? 0);
  });

  it.each([
    ['es', 'Excelente servicio, lo recomiendo.', 'El paquete llegó tarde y roto.', '¿Cuándo se enviará mi pedido?'],
    ['fr', 'Service excellent, je le recommande.', "L'application plante et personne ne répond.", 'Le colis est arrivé mardi.'],
    ['de', 'Sehr freundlich und schnell, fünf Sterne.', 'Das Essen war kalt und der Kellner unhöflich.', 'Bitte senden Sie die Rechnung.'],
    ['it', 'Tutto perfetto, grazie mille.', 'Il prodotto è arrivato difettoso.', 'Il negozio apre alle nove.'],
    ['pt', 'Muito satisfeito, recomendo.', 'O serviço foi lento e a comida má.', 'A loja abre às nove.'],
    ['nl', 'Uitstekende service, heel vriendelijk.', 'Het pakket kwam te laat en was beschadigd.', 'Waar vind ik de handleiding?'],
  ])('language %s: positive, negative, neutral', async (language, positive, negative, neutral) => {
    const { job } = await run(freshTenant(), [positive, negative, neutral], { language, includeKeywords: true });
    expect(job.result.results.map((r) => r.sentiment)).toEqual(['positive', 'negative', 'neutral']);
    expect(job.result.results[0]?.keywords?.length).toBeGreaterThan(0);
  });
});

describe('sentiment: pathological input is normalised, not analysed at super-linear cost', () => {
  it.each([
    ['-', '-'.repeat(10_000)],
    ['~', '~'.repeat(10_000)],
    ['emoji', '😀'.repeat(5_000)], // 10,000 UTF-16 units, the per-text cap
    ['mixed symbols', '-~'.repeat(5_000)],
  ])('10 texts of 10,000 %s complete with a verdict each', async (_name, text) => {
    const { job } = await run(freshTenant(), Array.from({ length: 10 }, () => text), { enablePIIMasking: false });
    expect(job.status).toBe('completed');
    expect(job.processingStats).toMatchObject({ processedItems: 10, failedItems: 0 });
    for (const r of job.result.results) expect(['positive', 'negative', 'neutral']).toContain(r.sentiment);
  });

  it('a 1 MiB one-record analyze file completes and the record is scored', async () => {
    const client = freshTenant();
    const body = `text\n${'-'.repeat(1024 * 1024 - 16)}\n`;
    const put = await client.request('PUT', '/api/v1/files/huge.csv', body, { 'content-type': 'application/octet-stream' });
    expect([200, 201]).toContain(put.status);
    const datasetId = crypto.randomUUID();
    const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
      type: 'file_processing',
      data: { filePath: 'huge.csv', datasetId, processingType: 'analyze' },
    });
    expect(created.status).toBe(201);
    const done = await client.json<{ status: string; processingStats: { failedItems: number } }>(
      'POST',
      `/api/v1/jobs/${created.body.data.jobId}/wait`,
      { timeout: 60_000 },
    );
    expect(done.body.data).toMatchObject({ status: 'completed', processingStats: { failedItems: 0 } });
    const page = await client.json<{ records: Array<{ sentiment: string | null }> }>('GET', `/api/v1/datasets/${datasetId}/records`);
    expect(page.body.data.records).toHaveLength(1);
    expect(page.body.data.records[0]?.sentiment).toBe('neutral');
  });
});

