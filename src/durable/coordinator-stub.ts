import type { QueueCoordinator } from './queue-coordinator.ts';

/** The one way in to a tenant's coordinator: the API, the consumer and the cron all call this. */
export function coordinatorFor(env: Env, tenant: string): DurableObjectStub<QueueCoordinator> {
  return env.QUEUE_COORDINATOR.get(env.QUEUE_COORDINATOR.idFromName(tenant));
}
