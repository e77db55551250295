import type { Observable, Subscription } from 'rxjs';

/** Anything with a per-stream, contiguous seq from 1: a task's events, or its log chunks. */
export interface Sequenced {
  seq: number;
}

export interface OrderedFeedSettings<T extends Sequenced> {
  /** Live items, published after they were stored. */
  live$: Observable<T>;
  /** Stored items with seq > `afterSeq`, in order, at most `limit`. */
  read: (afterSeq: number, limit: number) => Promise<T[]>;
  afterSeq: number;
  deliver: (item: T) => void;
  /** Called once when everything stored at subscription time was delivered. */
  caughtUp?: () => void;
  onError: (error: unknown) => void;
  /** @default 500 */
  pageSize?: number;
  /** Live items held while the store is read; past this they are dropped and read from the store instead. @default 5000 */
  maxHeld?: number;
  /** Waits before the next page is read, e.g. until the socket drained. */
  beforePage?: () => Promise<void>;
  /**
   * Each value says the store may have more than `live$` brought (another instance wrote it):
   * the feed reads the store unless it is reading already.
   */
  nudge$?: Observable<unknown>;
}

/**
 * Stored items after a seq, then live ones, each exactly once and in seq order. Live items that
 * arrive while the store is read are held (bounded) and released after; a live item that skips a
 * seq (a gap) sends the feed back to the store, which always has everything that was published.
 */
export const followInOrder = <T extends Sequenced>(settings: OrderedFeedSettings<T>): Subscription => {
  const pageSize = settings.pageSize ?? 500;
  const maxHeld = settings.maxHeld ?? 5000;
  let last = settings.afterSeq;
  let reading = false;
  let held: T[] = [];
  let overflowed = false;
  let announced = false;
  let closed = false;

  /** A live item goes out only right after the last one; anything else is a gap. */
  const send = (item: T) => {
    if (item.seq !== last + 1) return false;
    last = item.seq;
    settings.deliver(item);
    return true;
  };
  /** The store is the authority: what it has goes out, even past a gap (logs pruned by retention). */
  const sendStored = (item: T) => {
    if (item.seq <= last) return;
    last = item.seq;
    settings.deliver(item);
  };

  const catchUp = async () => {
    reading = true;
    try {
      for (;;) {
        for (;;) {
          await settings.beforePage?.();
          if (closed) return;
          const page = await settings.read(last, pageSize);
          if (closed) return;
          for (const item of page) sendStored(item);
          if (page.length < pageSize) break;
        }
        const pending = held;
        const lost = overflowed;
        held = [];
        overflowed = false;
        if (lost) continue;
        let gap = false;
        for (const item of pending.sort((a, b) => a.seq - b.seq)) if (item.seq > last && !send(item)) gap = true;
        if (!gap) break;
      }
      if (!announced) {
        announced = true;
        settings.caughtUp?.();
      }
    } catch (error) {
      if (!closed) settings.onError(error);
    } finally {
      reading = false;
    }
  };

  const subscription = settings.live$.subscribe({
    next: (item) => {
      if (item.seq <= last) return;
      if (reading) {
        if (held.length < maxHeld) held.push(item);
        else overflowed = true;
        return;
      }
      if (!send(item)) {
        held = [item];
        void catchUp();
      }
    },
    error: (error: unknown) => settings.onError(error),
  });
  if (settings.nudge$)
    subscription.add(
      settings.nudge$.subscribe(() => {
        if (!reading && !closed) void catchUp();
      }),
    );
  subscription.add(() => {
    closed = true;
  });
  void catchUp();
  return subscription;
};
