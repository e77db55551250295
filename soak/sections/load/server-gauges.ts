// What the load section reads off the running server: its resident memory, from /proc, and the
// event-loop delay it reports itself on /metrics (prom-client's default metrics).
import { readFileSync } from 'node:fs';

/** The process's resident set size in MB (VmRSS), read from /proc. */
export const residentMegabytes = (pid: number): number => {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
};

/** One gauge of the Prometheus text format, or undefined when absent. */
export const gauge = (metrics: string, name: string): number | undefined => {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(metrics);
  return match ? Number(match[1]) : undefined;
};

export const eventLoopP99Ms = async (url: string, adminToken: string): Promise<number> => {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const seconds = gauge(await response.text(), 'nodejs_eventloop_lag_p99_seconds');
  if (seconds === undefined) throw new Error('/metrics has no nodejs_eventloop_lag_p99_seconds');
  return seconds * 1000;
};
