import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nothing listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface DevServer {
  url: string;
  key: string;
  /** The process group of wrangler and its workerd (spawned detached, so the group is its pid). */
  group: number;
  stop(): Promise<void>;
  /** SIGKILL the whole process group, as a crash would, and keep the on-disk state. */
  crash(): Promise<void>;
}

export interface DevServerOptions {
  /** Reuse this state directory (kept on stop) instead of a fresh one that stop() deletes. */
  stateDir?: string;
  /** The API key it accepts (default a bench key). */
  key?: string;
  /** Another wrangler config (a bench-only worker); its readiness is checked at `readyPath`. */
  config?: string;
  readyPath?: string;
  /** Each chunk the server prints; with it, the Worker's own log lines are printed too. */
  onOutput?: (chunk: string) => void;
  /** More environment for wrangler (e.g. bench/thread-trace.ts's workerd wrapper). */
  env?: Record<string, string>;
}

/**
 * Starts its own `wrangler dev` on fresh on-disk state with the given settings, so a benchmark
 * never touches the developer's data and can raise the admission limits.
 */
export async function startDevServer(port: number, vars: Record<string, string>, options: DevServerOptions = {}): Promise<DevServer> {
  const state = options.stateDir ?? mkdtempSync(join(tmpdir(), 'bench-state-'));
  const key = options.key ?? 'bench-key-0123456789';
  const args = ['dev', ...(options.config ? ['-c', options.config] : []), '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  const child: ChildProcess = spawn('wrangler', args, {
    env: {
      ...process.env,
      // The required secrets come from the environment, as under `npm run dev` (a --var would
      // leave wrangler warning that they are missing). An empty signing key is none: no webhooks.
      API_KEYS: `bench:${key}`,
      WEBHOOK_SIGNING_KEY: '',
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      X_LOCAL_OBSERVABILITY: 'false',
      WRANGLER_WRITE_LOGS: 'false',
      WRANGLER_LOG: options.onOutput ? 'log' : 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (d: Buffer): void => {
    const chunk = d.toString();
    output = (output + chunk).slice(-4000);
    options.onOutput?.(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}${options.readyPath ?? '/api/v1/openapi.json'}`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Output must be truthful: a secrets warning here would be a false alarm a user sees too.
  if (output.includes('Missing required secrets')) {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    throw new Error(`wrangler dev warns about secrets it was given:\n${output.slice(-2000)}`);
  }
  return {
    url,
    key,
    group: child.pid ?? -1,
    async stop() {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      if (!options.stateDir) rmSync(state, { recursive: true, force: true });
    },
    async crash() {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      await exited;
    },
  };
}
