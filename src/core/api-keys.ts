/** The API_KEYS setting, `tenant:key,tenant:key`: read by auth (the keys) and the cron (the tenants). */
import { MAX_TENANT_ID_LENGTH } from './key-limits.ts';

const TENANT_ID = new RegExp(`^[a-z0-9-]{1,${MAX_TENANT_ID_LENGTH}}$`);

export interface KeyEntry {
  tenant: string;
  key: string;
}

/** Null when no key is configured. Malformed entries are refused, not skipped: fail closed. */
export function parseKeyEntries(raw: string | undefined): KeyEntry[] | null {
  const entries = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const tenant = entry.slice(0, colon);
    const key = entry.slice(colon + 1);
    if (colon < 1 || !TENANT_ID.test(tenant) || key.length < 8) throw new Error('API_KEYS has a malformed entry');
    return { tenant, key };
  });
}

/** Tenants that have a key; none when the setting is malformed (auth refuses every request then too). */
export function tenantsOf(raw: string | undefined): string[] {
  try {
    return [...new Set((parseKeyEntries(raw) ?? []).map((e) => e.tenant))];
  } catch {
    return [];
  }
}
