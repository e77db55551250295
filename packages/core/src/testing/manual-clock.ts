import type { Clock } from '../ports/clock.js';

export interface ManualClock extends Clock {
  /** Moves time forward, running every timer that falls due, in order. */
  advance(ms: number): Promise<void>;
  /** Timers not yet run. */
  pendingTimers(): number;
}

/** A {@link Clock} that only moves when told to: tests never sleep. */
export const createManualClock = (start = Date.UTC(2026, 0, 1)): ManualClock => {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  return {
    now: () => now,
    setTimer(delayMs, callback) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, delayMs), callback });
      return () => timers.delete(id);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        const [id, timer] = due;
        timers.delete(id);
        now = Math.max(now, timer.at);
        timer.callback();
        await settle();
      }
      now = target;
      await settle();
    },
    pendingTimers: () => timers.size,
  };
};
