import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_API_KEYS } from './test/support/tenants.ts';
import { WEBHOOK_TEST_SIGNING_KEY, webhookReceiver } from './test/support/webhook-receiver.ts';

/**
 * Where each project's Worker comes from. `verbose: false` runs workerd as `wrangler dev` does:
 * the pool's default, `--verbose`, also prints workerd's internal traces, such as "pump canceled"
 * with a native stack each time a job stops reading an R2 body early (every slice edge of a
 * large file here). Worker errors and console output are still shown.
 */
const pool = { wrangler: { configPath: './wrangler.toml' }, verbose: false };

// wrangler.toml requires the API_KEYS and WEBHOOK_SIGNING_KEY secrets (so a deploy without them
// fails), and the pool warns once per test file about each one the process environment lacks.
// Every project binds its own values below; empty placeholders here only quiet that warning.
// Wrangler's info lines ("Using secrets defined in process.env", once per file) say nothing
// about the tests; its warnings still show.
for (const name of ['API_KEYS', 'WEBHOOK_SIGNING_KEY']) process.env[name] ??= '';
process.env.WRANGLER_LOG ??= 'warn';

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
        // No webhook key (empty is unset): callbackUrl is refused, as on a service without one.
        plugins: [cloudflareTest({ ...pool, miniflare: { bindings: { ...shared, MAX_JOBS_PER_MINUTE: '12', WEBHOOK_SIGNING_KEY: '' } } })],
        test: { name: 'live', include: ['test/**/*.test.ts'], exclude: ['test/driven/**'] },
      },
      {
        // Work messages go to a queue nobody consumes: tests deliver them by hand, so order,
        // concurrency, duplicates and lost messages are under the test's control.
        plugins: [
          cloudflareTest({
            ...pool,
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
