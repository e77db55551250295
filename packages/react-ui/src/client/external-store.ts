/**
 * A value that React reads through `useSyncExternalStore`: `subscribe` and `getSnapshot`. The
 * work behind it (requests, a live subscription) starts with the first subscriber and stops
 * `gcMs` after the last one left, so a remount (React's strict mode, going back a page) reuses it.
 */
export interface ExternalStore<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

export interface ActiveStore<T> extends ExternalStore<T> {
  set(next: T): void;
  readonly active: boolean;
}

export const createActiveStore = <T>(
  initial: T,
  activate: (store: ActiveStore<T>) => () => void,
  options: { gcMs: number; onIdle?: () => void },
): ActiveStore<T> => {
  let snapshot = initial;
  const listeners = new Set<() => void>();
  let stop: (() => void) | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const store: ActiveStore<T> = {
    subscribe(listener) {
      listeners.add(listener);
      if (idleTimer !== undefined) {
        clearTimeout(idleTimer);
        idleTimer = undefined;
      }
      if (!stop) stop = activate(store);
      return () => {
        listeners.delete(listener);
        if (listeners.size > 0 || idleTimer !== undefined) return;
        idleTimer = setTimeout(() => {
          idleTimer = undefined;
          if (listeners.size > 0) return;
          const stopping = stop;
          stop = undefined;
          stopping?.();
          options.onIdle?.();
        }, options.gcMs);
      };
    },
    getSnapshot: () => snapshot,
    set(next) {
      if (Object.is(next, snapshot)) return;
      snapshot = next;
      for (const listener of [...listeners]) listener();
    },
    get active() {
      return stop !== undefined;
    },
  };
  return store;
};
