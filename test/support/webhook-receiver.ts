import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A webhook receiver standing in for the Internet in the `driven` test project (miniflare's
 * outboundService): it verifies signatures the way the README tells a receiver to, with Node's
 * own crypto, and answers by path: /ok/… 200, /flaky/… 500 on the first delivery of each id,
 * /down/… always 503. GET https://receiver.test/_log returns what it saw.
 */
export const WEBHOOK_TEST_SIGNING_KEY = 'test-webhook-signing-key';

interface Seen {
  path: string;
  webhookId: string | null;
  verified: boolean;
  body: unknown;
}

const seen: Seen[] = [];

function tenantSecret(tenant: string): string {
  return `whsec_${createHmac('sha256', WEBHOOK_TEST_SIGNING_KEY).update(`webhook-secret:${tenant}`).digest('hex')}`;
}

function verify(header: string | null, body: string, tenant: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match?.[1] || !match[2]) return false;
  const expected = createHmac('sha256', tenantSecret(tenant)).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

export async function webhookReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.hostname !== 'receiver.test') return new Response('no network in tests', { status: 502 });
  if (request.method === 'GET' && url.pathname === '/_log') return Response.json(seen);
  const [, mode, tenant = ''] = url.pathname.split('/');
  const text = await request.text();
  const webhookId = request.headers.get('webhook-id');
  const verified = verify(request.headers.get('webhook-signature'), text, tenant);
  const earlier = seen.filter((s) => s.webhookId === webhookId).length;
  seen.push({ path: url.pathname, webhookId, verified, body: JSON.parse(text) as unknown });
  if (!verified) return new Response('bad signature', { status: 401 });
  if (mode === 'down' || (mode === 'flaky' && earlier === 0)) return new Response('try later', { status: mode === 'down' ? 503 : 500 });
  return new Response('ok');
}
