/** Webhook rules that need no I/O: which targets are allowed, and how deliveries are signed. */

const encoder = new TextEncoder();

function isPrivateIPv4(host: string): boolean {
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const [a = 0, b = 0] = parts;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

function isPrivateIPv6(host: string): boolean {
  if (!host.startsWith('[')) return false;
  const address = host.slice(1, -1).toLowerCase();
  if (address === '::' || address === '::1') return true;
  if (address.startsWith('::ffff:')) return true; // IPv4-mapped: judge it as the IPv4 it hides, i.e. refuse
  return /^(fc|fd|fe[89ab])/.test(address);
}

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
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateIPv4(host) || isPrivateIPv6(host)) {
    return 'callbackUrl must not point at a private, loopback or link-local address';
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
