import { env } from 'cloudflare:workers';

/** What the platform throws when storage or a Durable Object is overloaded: flagged retryable. */
export function transientError(): Error {
  return Object.assign(new Error('simulated overload'), { retryable: true });
}

/** The bindings with R2 writes failing as an overloaded platform would, when `fail()` says so. */
export function flakyStorage(fail: () => boolean): Env {
  return faultyStorage((method) => method === 'put' && fail());
}

/** The bindings with an R2 call failing as an overloaded platform would, when `fail(method, key)` says so. */
export function faultyStorage(fail: (method: 'get' | 'put', key: string) => boolean): Env {
  const bucket = env.BLOBS;
  const BLOBS = new Proxy(bucket, {
    get(target, prop) {
      if (prop === 'put' || prop === 'get') {
        return async (key: string, ...rest: unknown[]) => {
          if (fail(prop, key)) throw transientError();
          return (target[prop] as (key: string, ...rest: unknown[]) => Promise<unknown>).call(target, key, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...env, BLOBS };
}

/** The bindings with one tenant's coordinator unreachable (every RPC throws a retryable error). */
export function unreachableCoordinator(tenant: string): Env {
  const namespace = env.QUEUE_COORDINATOR;
  const broken = namespace.idFromName(tenant);
  const QUEUE_COORDINATOR = new Proxy(namespace, {
    get(target, prop) {
      if (prop === 'get') {
        return (id: DurableObjectId) => {
          if (!id.equals(broken)) return target.get(id);
          return new Proxy({}, { get: () => () => Promise.reject(transientError()) });
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...env, QUEUE_COORDINATOR } as Env;
}
