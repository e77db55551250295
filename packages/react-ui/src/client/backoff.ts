export interface ReconnectSettings {
  /** The wait before the first retry, in milliseconds. @default 500 */
  minDelayMs?: number;
  /** The longest wait between retries. @default 15_000 */
  maxDelayMs?: number;
  /** Failed attempts in a row after which the connection counts as offline rather than reconnecting. @default 3 */
  offlineAfter?: number;
}

/** Exponential backoff with jitter (half to all of the doubled delay), so many tabs do not retry in step. */
export const reconnectDelay = (attempt: number, settings: ReconnectSettings = {}, random: () => number = Math.random): number => {
  const min = settings.minDelayMs ?? 500;
  const max = settings.maxDelayMs ?? 15_000;
  const full = Math.min(max, min * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
};
