import { defineConfig } from 'vitest/config';

/**
 * End-to-end: plain Node, against a real `wrangler dev` that global-setup.ts starts on a free
 * port (headless Chromium for the dashboard, the CLI as a child process).
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // One dev server, one browser at a time: the machine has two cores.
    fileParallelism: false,
  },
});
