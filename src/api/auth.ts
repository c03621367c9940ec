import { createMiddleware } from 'hono/factory';
import { parseKeyEntries } from '../core/api-keys.ts';
import { ApiError } from './errors.ts';
import type { AppEnv } from './context.ts';

interface KeyDigest {
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

/** The configured keys as digests; throws on a malformed entry (fail closed). */
async function parseApiKeys(raw: string | undefined): Promise<KeyDigest[] | null> {
  const entries = parseKeyEntries(raw);
  if (!entries) return null;
  return Promise.all(
    entries.map(async ({ tenant, key }) => {
      const digest = await sha256(key);
      return { tenant, digest, keyId: hex(digest).slice(0, 12) };
    }),
  );
}

const parsedKeys = new Map<string, Promise<KeyDigest[] | null>>();

function keysFor(raw: string | undefined): Promise<KeyDigest[] | null> {
  const cacheKey = raw ?? '';
  let entries = parsedKeys.get(cacheKey);
  if (!entries) {
    entries = parseApiKeys(raw);
    parsedKeys.set(cacheKey, entries);
  }
  return entries;
}

/**
 * Bearer auth. Digests are compared with timingSafeEqual against every configured key, so the
 * time taken says nothing about which key, or how much of one, matched.
 */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  let entries: KeyDigest[] | null;
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
  let found: KeyDigest | undefined;
  for (const entry of entries) {
    if (crypto.subtle.timingSafeEqual(entry.digest, presented) && !found) found = entry;
  }
  if (!found) throw new ApiError('UNAUTHORIZED', 'Missing or invalid API key');
  c.set('tenant', found.tenant);
  c.set('keyId', found.keyId);
  await next();
});
