import { AmpoError } from '@ampo/core';

export interface RateLimitSettings {
  /** Requests per second each client may make on average. @default 50 */
  perSecond?: number;
  /** Requests a client may make at once above the average. @default 200 */
  burst?: number;
  /** Clients remembered at most (the least recently seen are forgotten first). @default 10_000 */
  maxClients?: number;
}

/**
 * A token bucket per client key (the token's subject, else the remote address). `take` throws a
 * `rate-limited` AmpoError carrying the seconds until a request would be allowed again.
 */
export const createRateLimiter = (settings: RateLimitSettings = {}, now: () => number = Date.now) => {
  const perSecond = settings.perSecond ?? 50;
  const burst = settings.burst ?? 200;
  const maxClients = settings.maxClients ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string): void {
      const at = now();
      const bucket = buckets.get(key) ?? { tokens: burst, at };
      buckets.delete(key);
      bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
      bucket.at = at;
      buckets.set(key, bucket);
      if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string);
      if (bucket.tokens < 1) {
        const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
        throw new AmpoError('rate-limited', `Too many requests; try again in ${retryAfterSeconds} s.`, { details: { retryAfterSeconds } });
      }
      bucket.tokens -= 1;
    },
  };
};
