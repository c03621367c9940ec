type Level = 'debug' | 'info' | 'warn' | 'error';
type Field = string | number | boolean | null | undefined;

/**
 * Structured JSON lines. Callers pass ids, codes and counts only: never bodies, keys or texts,
 * so nothing a user sent can reach the logs.
 */
export function log(level: Level, fields: Record<string, Field>): void {
  const line = JSON.stringify({ level, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
