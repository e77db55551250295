export interface RetryPolicy {
  /** Delay before the first retry. @default 2000 */
  initialDelayMs: number;
  /** @default 2 */
  multiplier: number;
  /** @default 60000 */
  maxDelayMs: number;
  /** Retries after the first try. @default 3 */
  maxRetries: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  initialDelayMs: 2000,
  multiplier: 2,
  maxDelayMs: 60_000,
  maxRetries: 3,
};

/**
 * The delay before retry number `retry` (1-based), or undefined when retries are used up. Pure and
 * deterministic (no jitter) so that replays agree; callers that need jitter add it outside.
 */
export const retryDelay = (policy: RetryPolicy, retry: number): number | undefined => {
  if (retry < 1 || retry > policy.maxRetries) return undefined;
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1));
};
