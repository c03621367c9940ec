import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { coordinatorFor } from '../../durable/coordinator-stub.ts';
import type { AppEnv } from '../context.ts';
import { ok } from '../ok.ts';
import { errors, json, security } from '../openapi.ts';
import { loadConfig } from '../../config.ts';
import { tenantWebhookSecret } from '../../core/webhooks.ts';
import { ApiError } from '../errors.ts';
import { actorOf } from '../submit.ts';
import { QueueState, WebhookSecretView } from '../schemas.ts';

const pauseRoute = (action: 'pause' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/queue/${action}`,
    summary: action === 'pause' ? 'Pause the queue: nothing new starts, running jobs finish, jobs are still accepted' : 'Resume the queue',
    security,
    responses: { 200: json(QueueState, 'The queue state'), ...errors() },
  });

const setPaused = (paused: boolean) => async (c: Context<AppEnv>) => {
  const tenant = c.get('tenant');
  const data = await coordinatorFor(c.env, tenant).setPaused(tenant, paused, actorOf(c));
  return ok(c, data, 200);
};

const webhookSecret = createRoute({
  method: 'get',
  path: '/webhooks/secret',
  summary: 'Your webhook signing secret and how to verify a delivery',
  security,
  responses: {
    200: json(WebhookSecretView, 'The secret'),
    ...errors(),
  },
});

export const queueRoutes = new OpenAPIHono<AppEnv>()
  .openapi(pauseRoute('pause'), setPaused(true))
  .openapi(pauseRoute('resume'), setPaused(false))
  .openapi(webhookSecret, async (c) => {
    const key = loadConfig(c.env).webhookSigningKey;
    if (key === null) throw new ApiError('SERVICE_UNAVAILABLE', 'Webhooks are not configured on this service');
    const data = {
      secret: await tenantWebhookSecret(key, c.get('tenant')),
      header: 'Webhook-Signature',
      format: 't=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>',
    };
    return ok(c, data, 200);
  });
