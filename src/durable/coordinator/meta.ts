/** The coordinator's own settings: its tenant, paused, peak concurrency. */
export function getMeta(sql: SqlStorage, key: string): string | null {
  return sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value ?? null;
}

export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
}

/** A coordinator serves one tenant; the first call that names it records it. */
export function rememberTenant(sql: SqlStorage, tenant: string): void {
  if (getMeta(sql, 'tenant') === null) setMeta(sql, 'tenant', tenant);
}

export function isPaused(sql: SqlStorage): boolean {
  return getMeta(sql, 'paused') === '1';
}
