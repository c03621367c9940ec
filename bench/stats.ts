import * as fs from 'node:fs';

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const ms = (x: number): string => `${x.toFixed(1)} ms`;

/**
 * The local workerd processes' resident memory, summed (Linux /proc); with `group`, only those
 * in that process group (a dev server's own, not a test run's beside it).
 */
export function workerdRss(group?: number): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) continue;
      // stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so count from the last ')'.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (group !== undefined && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== group) continue;
      const match = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += match ? Number(match[1]) * 1024 : 0;
    } catch {
      // the process ended while being read
    }
  }
  return total;
}

export function sampler(read: () => number) {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), 50);
  return { stop: () => (clearInterval(timer), Math.max(peak, read())) };
}
