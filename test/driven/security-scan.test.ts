import { runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SCAN_UNIT } from '../../src/handlers/security-scan.ts';
import { MALWARE_SIGNATURES } from '../../src/scan/malware.ts';
import { deliver, deliverWith, freshTenant, type Client } from '../support/api.ts';
import { faultyStorage } from '../support/faults.ts';

const EICAR = MALWARE_SIGNATURES[0]?.text ?? '';

/** Four slices of text; an EICAR string and a card number straddle the first two slice edges. */
function planted(): { text: string; offsets: number[] } {
  const line = 'row of plain words, nothing to see here at all\n';
  let text = '';
  const offsets: number[] = [];
  const fill = (to: number) => {
    while (text.length < to) text += line.slice(0, Math.min(line.length, to - text.length - 1)) + '\n';
  };
  for (let slice = 1; slice <= 3; slice++) {
    fill(slice * SCAN_UNIT - 20);
    offsets.push(text.length);
    text += slice % 2 === 1 ? `${EICAR}\n` : '4111111111111111 end\n';
  }
  fill(3 * SCAN_UNIT + 50_000);
  return { text, offsets };
}

interface Job {
  status: string;
  processingStats: { totalItems: number; processedItems: number };
  result?: { totalFindings: number; results: { type: string; offset: number }[] };
}
const jobOf = async (client: Client, id: string) => (await client.json<Job>('GET', `/api/v1/jobs/${id}`)).body.data;

async function start(client: Client, text: string): Promise<string> {
  await client.request('PUT', '/api/v1/files/planted.txt', text, { 'content-type': 'text/plain' });
  const created = await client.json<{ jobId: string }>('POST', '/api/v1/jobs', {
    type: 'security_scan',
    data: { filePath: 'planted.txt', datasetId: crypto.randomUUID() },
  });
  return created.body.data.jobId;
}

describe('security_scan, slice by slice', () => {
  it('checkpoints at each slice edge; a slice run again from an older checkpoint counts nothing twice', async () => {
    const client = freshTenant();
    const { text, offsets } = planted();
    const id = await start(client, text);

    await deliver(await client.pendingMessage(id));
    const first = await client.checkpointOf(id);
    const parsed = JSON.parse(first ?? '{}') as { edge: number; scanner: { resumeOffset: number; totalFindings: number } };
    expect(parsed.edge).toBe(SCAN_UNIT);
    // The EICAR string ending past the edge is not scanned yet: its window is re-read next slice.
    expect(parsed.scanner.resumeOffset).toBeLessThan(offsets[0] ?? 0);
    expect((await jobOf(client, id)).processingStats.processedItems).toBe(parsed.scanner.resumeOffset);

    // Slice 2 runs, then its commit is lost: the next slice starts again from slice 1's checkpoint.
    await deliver(await client.pendingMessage(id));
    await client.sql('UPDATE jobs SET checkpoint = ? WHERE id = ?', first, id);
    for (let i = 0; i < 10 && (await jobOf(client, id)).status === 'running'; i++) await deliver(await client.pendingMessage(id));

    const job = await jobOf(client, id);
    expect(job.status).toBe('completed');
    expect(job.processingStats.processedItems).toBe(text.length);
    expect(job.result?.totalFindings).toBe(3);
    expect(job.result?.results.map((f) => [f.type, f.offset])).toEqual([
      ['EICAR_TEST_FILE', offsets[0]],
      ['CREDIT_CARD', offsets[1]],
      ['EICAR_TEST_FILE', offsets[2]],
    ]);
  });

  it('retries a scan whose report failed while it read the result parts back, and the report holds every finding once', async () => {
    const client = freshTenant();
    // 1,200 findings: three result parts, read back one by one into the report.
    const cards = Array.from({ length: 1_200 }, (_, i) => `order ${i} paid with 4111111111111111\n`).join('');
    const id = await start(client, cards);
    let failed = 0;
    const partTwo = /\/results\/000001\.json$/;
    await deliverWith(faultyStorage((method, key) => method === 'get' && partTwo.test(key) && failed++ === 0), await client.pendingMessage(id));
    expect(failed).toBe(1);
    expect(await jobOf(client, id)).toMatchObject({ status: 'pending' });
    await client.elapseBackoff();
    await runDurableObjectAlarm(client.coordinator());
    for (let i = 0; i < 5 && (await jobOf(client, id)).status !== 'completed'; i++) await deliver(await client.pendingMessage(id));
    expect(await jobOf(client, id)).toMatchObject({ status: 'completed', result: { totalFindings: 1_200 } });
    const report = (await (await client.request('GET', `/api/v1/jobs/${id}/download`)).json()) as { totalFindings: number; findings: { type: string; offset: number }[] };
    expect(report.totalFindings).toBe(1_200);
    const line = (i: number) => `order ${i} paid with 4111111111111111\n`;
    let offset = 0;
    const expected = Array.from({ length: 1_200 }, (_, i) => {
      const at = offset + line(i).indexOf('4111');
      offset += line(i).length;
      return ['CREDIT_CARD', at];
    });
    expect(report.findings.map((f) => [f.type, f.offset])).toEqual(expected);
  });

  it('cancels mid-scan at the next slice edge, with progress in bytes and no result', async () => {
    const client = freshTenant();
    const { text } = planted();
    const id = await start(client, text);
    await deliver(await client.pendingMessage(id));
    const before = await jobOf(client, id);
    expect(before.status).toBe('running');
    expect(before.processingStats.totalItems).toBe(text.length);
    expect(before.processingStats.processedItems).toBeGreaterThan(0);
    expect(before.processingStats.processedItems).toBeLessThan(SCAN_UNIT);

    expect((await client.json('DELETE', `/api/v1/jobs/${id}`)).status).toBe(202);
    await deliver(await client.pendingMessage(id));
    const after = await jobOf(client, id);
    expect(after.status).toBe('cancelled');
    expect(after.processingStats.processedItems).toBe(before.processingStats.processedItems);
    expect(after.result).toBeUndefined();
    expect((await client.json('GET', `/api/v1/jobs/${id}/result`)).status).toBe(409);
  });

  it('fails with FILE_CHANGED when the file is replaced between slices', async () => {
    const client = freshTenant();
    const id = await start(client, planted().text);
    await deliver(await client.pendingMessage(id));
    await client.request('PUT', '/api/v1/files/planted.txt', 'replaced', { 'content-type': 'text/plain' });
    await deliver(await client.pendingMessage(id));
    const job = (await client.json<{ status: string; errorDetails: { code: string } }>('GET', `/api/v1/jobs/${id}`)).body.data;
    expect(job).toMatchObject({ status: 'failed', errorDetails: { code: 'FILE_CHANGED' } });
  });
});
