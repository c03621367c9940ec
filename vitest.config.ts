import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_API_KEYS } from './test/support/tenants.ts';
import { WEBHOOK_TEST_SIGNING_KEY, webhookReceiver } from './test/support/webhook-receiver.ts';

const wrangler = { configPath: './wrangler.toml' };

/** Small slices everywhere, so every multi-part job also exercises continuation messages. */
const shared = {
  API_KEYS: TEST_API_KEYS,
  SLICE_BUDGET_MS: '0',
  PROGRESS_INTERVAL_MS: '0',
  RETRY_BASE_DELAY_MS: '1000',
};

export default defineConfig({
  test: {
    // Request logs are noise when a test passes and evidence when it fails.
    silent: 'passed-only',
    projects: [
      {
        // The real queue delivers work to the consumer, as under `wrangler dev`.
        plugins: [cloudflareTest({ wrangler, miniflare: { bindings: { ...shared, MAX_JOBS_PER_MINUTE: '12' } } })],
        test: { name: 'live', include: ['test/**/*.test.ts'], exclude: ['test/driven/**'] },
      },
      {
        // Work messages go to a queue nobody consumes: tests deliver them by hand, so order,
        // concurrency, duplicates and lost messages are under the test's control.
        plugins: [
          cloudflareTest({
            wrangler,
            miniflare: {
              bindings: {
                ...shared,
                MAX_QUEUE_SIZE: '10',
                MAX_JOBS_PER_MINUTE: '1000',
                MAX_RETRIES: '2',
                WEBHOOK_SIGNING_KEY: WEBHOOK_TEST_SIGNING_KEY,
                // Caps the coordinator enforces, small enough to reach in test/driven/hardening.test.ts.
                MAX_WAITERS: '8',
                MAX_EVENT_STREAMS: '4',
                MAX_SCHEDULES: '5',
              },
              queueProducers: { JOB_QUEUE: { queueName: 'undelivered' } },
              outboundService: webhookReceiver,
            },
          }),
        ],
        test: { name: 'driven', include: ['test/driven/**/*.test.ts'] },
      },
    ],
  },
});
