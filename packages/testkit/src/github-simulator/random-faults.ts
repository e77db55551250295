import type { Fault } from './github-simulator.js';

/** What GitHub answers on a bad day, for a share of the REST requests. */
export interface RandomFaults {
  /** The share of REST requests that fail, 0 to 1. */
  rate: number;
  /**
   * The answers, picked evenly: 500, 502, 503; 403 and 429 are secondary rate limits (GitHub's
   * message, a `retry-after`). @default [500, 502, 503, 403, 429]
   */
  statuses?: readonly number[];
  /** Seconds, sent as `retry-after` with a 403 or 429. @default 1 */
  retryAfter?: number;
  /**
   * The share of 5xx faults that hit after the request was handled (a lost response: the change
   * was made, the caller does not know). @default 0
   */
  lostResponseRate?: number;
  /** The share of webhook deliveries never sent, 0 to 1. @default 0 */
  webhookDropRate?: number;
  /** Requests that never fail, by method and path (e.g. what a test itself calls). */
  spare?: (method: string, path: string) => boolean;
  /** The same seed draws the same faults for the same sequence of requests. @default 1 */
  seed?: number;
}

export interface RandomFaultCounts {
  /** REST requests the random faults were asked about. */
  considered: number;
  injected: number;
  byStatus: Record<string, number>;
  lostResponses: number;
  webhooksConsidered: number;
  webhooksDropped: number;
}

/** mulberry32: a small seeded generator; deterministic by seed, good enough to spread faults. */
const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * Draws faults for requests and drops for webhooks. Rate limits are answered before the request is
 * handled (GitHub refuses it); only 5xx can be lost responses, since GitHub never rate-limits a
 * request it has carried out.
 */
export const createRandomFaults = (settings: RandomFaults) => {
  if (!(settings.rate >= 0 && settings.rate <= 1)) throw new Error(`random fault rate ${settings.rate} is not between 0 and 1`);
  const statuses = settings.statuses ?? [500, 502, 503, 403, 429];
  if (statuses.length === 0) throw new Error('random faults need at least one status');
  // Two streams: which requests fail does not depend on when webhooks happen to be sent.
  const next = seededRandom(settings.seed ?? 1);
  const nextDelivery = seededRandom((settings.seed ?? 1) ^ 0x5bd1e995);
  const counts: RandomFaultCounts = {
    considered: 0,
    injected: 0,
    byStatus: {},
    lostResponses: 0,
    webhooksConsidered: 0,
    webhooksDropped: 0,
  };
  return {
    counts,
    /** A fault for this request, or undefined to answer it normally. */
    draw(method: string, path: string): Fault | undefined {
      if (settings.spare?.(method, path)) return undefined;
      counts.considered++;
      if (next() >= settings.rate) return undefined;
      const status = statuses[Math.floor(next() * statuses.length)] as number;
      const limited = status === 403 || status === 429;
      const lost = !limited && next() < (settings.lostResponseRate ?? 0);
      counts.injected++;
      counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
      if (lost) counts.lostResponses++;
      return { status, ...(limited ? { retryAfter: settings.retryAfter ?? 1 } : {}), ...(lost ? { afterHandling: true } : {}) };
    },
    /** Whether this delivery is dropped. */
    dropWebhook(): boolean {
      counts.webhooksConsidered++;
      const dropped = nextDelivery() < (settings.webhookDropRate ?? 0);
      if (dropped) counts.webhooksDropped++;
      return dropped;
    },
  };
};

export type RandomFaultSource = ReturnType<typeof createRandomFaults>;
