import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { freshTenant } from './support/api.ts';

// This project runs without WEBHOOK_SIGNING_KEY.
describe('webhooks without a signing key', () => {
  it('refuses callbackUrl at creation', async () => {
    const res = await freshTenant().json('POST', '/api/v1/jobs', {
      type: 'sentiment_analysis_batch',
      data: { texts: ['x'] },
      callbackUrl: 'https://receiver.example/hook',
    });
    expect(res.status).toBe(400);
    expect(res.body.details?.errors).toEqual([{ field: 'callbackUrl', message: 'Webhooks are not configured on this service' }]);
  });

  it('gives up, once, on deliveries queued before the key was removed', async () => {
    const client = freshTenant();
    const id = await client.createSentiment(['done before the key went away']);
    await client.json('POST', `/api/v1/jobs/${id}/wait`, { timeout: 30_000 });
    await client.sql('UPDATE jobs SET callback_url = ? WHERE id = ?', 'https://receiver.example/hook', id);
    await client.sql("INSERT INTO webhooks (job_id, next_ms, state) VALUES (?, 0, 'pending')", id);
    // Run the alarm handler directly: no alarm need be armed for a row inserted by hand. Twice,
    // to show the second run finds nothing left to try.
    for (let run = 0; run < 2; run++) {
      await runInDurableObject(client.coordinator(), async (instance) => {
        await (instance as unknown as { alarm(): Promise<void> }).alarm();
      });
    }
    const history = await client.json<{ events: { action: string; outcome: string; detail: string }[] }>('GET', `/api/v1/jobs/${id}/history`);
    expect(history.body.data.events.filter((e) => e.action === 'webhook.delivery').map((e) => [e.outcome, e.detail])).toEqual([
      ['failed', 'webhooks not configured, gave up'],
    ]);
  });
});
