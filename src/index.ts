import { createApp } from './api/app.ts';
import { runCleanup } from './cleanup.ts';
import { handleQueueBatch } from './queue/consumer.ts';

export { QueueCoordinator } from './durable/queue-coordinator.ts';
export { DatasetStore } from './durable/dataset-store.ts';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    await handleQueueBatch(batch, env);
  },
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(runCleanup(env));
  },
} satisfies ExportedHandler<Env>;
