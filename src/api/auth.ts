import { createMiddleware } from 'hono/factory';
import { MAX_TENANT_ID_LENGTH } from '../core/key-limits.ts';
import { ApiError } from './errors.ts';
import type { AppEnv } from './context.ts';

const TENANT_ID = new RegExp(`^[a-z0-9-]{1,${MAX_TENANT_ID_LENGTH}}$`);

interface KeyEntry {
  tenant: string;
  digest: ArrayBuffer;
  keyId: string;
}

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Parses `tenant:key,tenant:key`. Malformed entries are refused, not skipped: fail closed. */
export async function parseApiKeys(raw: string | undefined): Promise<KeyEntry[] | null> {
  const entries = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  return Promise.all(
    entries.map(async (entry) => {
      const colon = entry.indexOf(':');
      const tenant = entry.slice(0, colon);
      const key = entry.slice(colon + 1);
      if (colon < 1 || !TENANT_ID.test(tenant) || key.length < 8) throw new Error('API_KEYS has a malformed entry');
      const digest = await sha256(key);
      return { tenant, digest, keyId: hex(digest).slice(0, 12) };
    }),
  );
}

const parsedKeys = new Map<string, Promise<KeyEntry[] | null>>();

function keysFor(raw: string | undefined): Promise<KeyEntry[] | null> {
  const cacheKey = raw ?? '';
  let entries = parsedKeys.get(cacheKey);
  if (!entries) {
    entries = parseApiKeys(raw);
    parsedKeys.set(cacheKey, entries);
  }
  return entries;
}

/** Tenants that have a key: the cron cleans each one's coordinator. */
export async function configuredTenants(raw: string | undefined): Promise<string[]> {
  const entries = await keysFor(raw).catch(() => null);
  return [...new Set((entries ?? []).map((e) => e.tenant))];
}

/**
 * Bearer auth. Digests are compared with timingSafeEqual against every configured key, so the
 * time taken says nothing about which key, or how much of one, matched.
 */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  let entries: KeyEntry[] | null;
  try {
    entries = await keysFor(c.env.API_KEYS);
  } catch {
    entries = null;
  }
  if (!entries) {
    throw new ApiError('AUTH_NOT_CONFIGURED', 'No API keys are configured for this service; every request is refused');
  }
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new ApiError('UNAUTHORIZED', 'Missing or invalid API key');
  const presented = await sha256(match[1]);
  let found: KeyEntry | undefined;
  for (const entry of entries) {
    if (crypto.subtle.timingSafeEqual(entry.digest, presented) && !found) found = entry;
  }
  if (!found) throw new ApiError('UNAUTHORIZED', 'Missing or invalid API key');
  c.set('tenant', found.tenant);
  c.set('keyId', found.keyId);
  await next();
});
