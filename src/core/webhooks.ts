/** Webhook rules that need no I/O: which targets are allowed, and how deliveries are signed. */
import { isNonPublicHost } from './address-ranges.ts';

const encoder = new TextEncoder();

export interface CallbackPolicy {
  /** Operator setting for local testing: http, loopback and any port are allowed. */
  allowInsecure: boolean;
}

/** Why a callback URL is refused, or null when it is acceptable. */
export function callbackUrlProblem(raw: string, policy: CallbackPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'callbackUrl must be an absolute URL';
  }
  if (url.username || url.password) return 'callbackUrl must not carry credentials';
  if (policy.allowInsecure) return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'callbackUrl must be http(s)';
  if (url.protocol !== 'https:') return 'callbackUrl must use https';
  if (url.port !== '') return 'callbackUrl must use the default https port';
  if (isNonPublicHost(url.hostname)) {
    return 'callbackUrl must not point at a private, loopback, link-local, multicast or reserved address';
  }
  return null;
}

async function hmacHex(key: string, message: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(message));
  return [...new Uint8Array(signature)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Each tenant's signing secret, derived from the service key so nothing per tenant is stored. */
export async function tenantWebhookSecret(signingKey: string, tenant: string): Promise<string> {
  return `whsec_${await hmacHex(signingKey, `webhook-secret:${tenant}`)}`;
}

/** `Webhook-Signature: t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export async function signatureHeader(secret: string, timestampMs: number, body: string): Promise<string> {
  return `t=${timestampMs},v1=${await hmacHex(secret, `${timestampMs}.${body}`)}`;
}
