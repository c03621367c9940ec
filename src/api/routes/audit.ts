import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { coordinatorFor } from '../../durable/coordinator-stub.ts';
import type { AppEnv } from '../context.ts';
import { ok } from '../ok.ts';
import { errors, json, security } from '../openapi.ts';
import { AuditEventSchema, AuditQuery } from '../schemas.ts';

const auditLog = createRoute({
  method: 'get',
  path: '/audit',
  summary: "The tenant's audit trail, oldest first, paged by cursor",
  security,
  request: { query: AuditQuery },
  responses: {
    200: json(z.object({ events: z.array(AuditEventSchema), nextCursor: z.number().nullable() }), 'A page of events'),
    ...errors('INVALID_REQUEST'),
  },
});

export const auditRoutes = new OpenAPIHono<AppEnv>().openapi(auditLog, async (c) => {
  const q = c.req.valid('query');
  const page = await coordinatorFor(c.env, c.get('tenant')).auditLog({
    sinceMs: q.since ? Date.parse(q.since) : 0,
    afterSeq: q.cursor,
    limit: q.limit,
  });
  return ok(c, page, 200);
});
