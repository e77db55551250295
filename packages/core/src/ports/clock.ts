/** Cancels a scheduled callback. Calling it after the callback ran, or twice, does nothing. */
export type CancelTimer = () => void;

/**
 * Time, injected. Every timeout, retry delay and timestamp in ampo comes from here, so tests
 * move time forward instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. MUST never go backwards within one process. */
  now(): number;
  /**
   * Runs `callback` once, `delayMs` from now (at the earliest). The callback MUST NOT run
   * synchronously inside this call.
   */
  setTimer(delayMs: number, callback: () => void): CancelTimer;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    // A pending timer must not keep the process alive on its own.
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};
