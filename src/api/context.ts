import type { RequestIdVariables } from 'hono/request-id';

export interface AppEnv {
  Bindings: Env;
  Variables: RequestIdVariables & { tenant: string; keyId: string };
}
