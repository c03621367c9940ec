import * as fs from 'node:fs';

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const ms = (x: number): string => `${x.toFixed(1)} ms`;

interface ProcessInfo {
  cmdline: string;
  group: number;
  rss: number;
  /** The anonymous part of `rss` (heaps, buffers): without the file pages mapped in, such as SQLite's database. */
  anon: number;
  /** User + system CPU time so far, in clock ticks. */
  cpuTicks: number;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Every process's command line, process group and resident memory (Linux /proc). */
function processes(): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so count from the last ')'.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+)/.exec(status);
      const anon = /RssAnon:\s+(\d+)/.exec(status);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({
        cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'),
        group: Number(fields[2]),
        rss: match ? Number(match[1]) * 1024 : 0,
        anon: anon ? Number(anon[1]) * 1024 : 0,
        cpuTicks: Number(fields[11]) + Number(fields[12]),
      });
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

/**
 * The local workerd processes' resident memory, summed; with `group`, only those in that process
 * group (a dev server's own, not a test run's beside it).
 */
export function workerdRss(group?: number, part: 'rss' | 'anon' = 'rss'): number {
  return processes()
    .filter((p) => p.cmdline.includes('workerd') && (group === undefined || p.group === group))
    .reduce((sum, p) => sum + p[part], 0);
}

/**
 * CPU seconds the local workerd processes of `group` have used so far: on a shared machine, a
 * job's CPU time says what it costs where its wall time also counts the neighbours' load.
 */
export function workerdCpuSeconds(group: number): number {
  return processes()
    .filter((p) => p.cmdline.includes('workerd') && p.group === group)
    .reduce((sum, p) => sum + p.cpuTicks / TICKS_PER_SECOND, 0);
}

/** Resident memory of every process in one process group (wrangler, workerd and helpers), summed. */
export function groupRss(group: number): number {
  return processes()
    .filter((p) => p.group === group)
    .reduce((sum, p) => sum + p.rss, 0);
}

export function sampler(read: () => number) {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, read())) };
}

/**
 * The peak of `read()` in each of `parts` equal spans of the sampled time: memory that is flat
 * over a job gives about the same peak in every span, memory that grows with the input rises
 * span after span.
 */
export function trajectory(read: () => number, parts = 4, everyMs = 100) {
  const t0 = performance.now();
  const samples: Array<[number, number]> = [[0, read()]];
  const timer = setInterval(() => samples.push([performance.now() - t0, read()]), everyMs);
  return {
    stop(): number[] {
      clearInterval(timer);
      const span = (performance.now() - t0) / parts;
      samples.push([performance.now() - t0, read()]);
      const peaks = Array.from({ length: parts }, () => 0);
      for (const [at, value] of samples) {
        const i = Math.min(parts - 1, Math.floor(at / span));
        peaks[i] = Math.max(peaks[i] ?? 0, value);
      }
      return peaks;
    },
  };
}
