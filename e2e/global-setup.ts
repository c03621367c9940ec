import type { TestProject } from 'vitest/node';
import { freePort, startDevServer, type DevServer } from '../bench/dev-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    server: { url: string; key: string };
  }
}


let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Every part of a batch is its own continuation message and reports progress at once: a big
  // batch runs long enough to watch its bar move and to cancel it.
  server = await startDevServer(await freePort(), { SLICE_BUDGET_MS: '0', PROGRESS_INTERVAL_MS: '0', MAX_JOBS_PER_MINUTE: '1000' });
  project.provide('server', { url: server.url, key: server.key });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
