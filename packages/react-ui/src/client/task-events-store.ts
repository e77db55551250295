import type { OrchestratorEvent } from '@ampo/core/wire';
import { createBatcher } from './batcher.js';
import { type ActiveStore, createActiveStore } from './external-store.js';
import type { LiveConnection } from './live-connection.js';

/** What went wrong, as the server said it. */
export interface StoreError {
  code: string;
  message: string;
}

export interface TaskEventsSnapshot {
  /** `loading` until the stored events are all in; then `ready`, and live ones follow. */
  status: 'loading' | 'ready' | 'error';
  /** Every event of the task so far, in seq order, each once. */
  events: readonly OrchestratorEvent[];
  lastSeq: number;
  error?: StoreError;
}

const initial: TaskEventsSnapshot = { status: 'loading', events: [], lastSeq: 0 };

/**
 * One task's events over the live connection: the stored ones from seq 1, then live ones. After a
 * drop the subscription resumes from the last seq held, so nothing is lost or shown twice.
 */
export const createTaskEventsStore = (taskId: string, live: LiveConnection, options: { gcMs: number; onIdle?: () => void }) =>
  createActiveStore<TaskEventsSnapshot>(
    initial,
    (store: ActiveStore<TaskEventsSnapshot>) => {
      let { events, lastSeq, status } = store.getSnapshot();
      let error: StoreError | undefined;
      let pending: OrchestratorEvent[] = [];
      const batch = createBatcher(() => {
        if (pending.length > 0) events = events.concat(pending);
        pending = [];
        store.set({ status, events, lastSeq, ...(error ? { error } : {}) });
      });
      const subscription = live.subscribe(
        () => ({ type: 'subscribe', taskId, afterSeq: lastSeq }),
        (message) => {
          if (message.type === 'event') {
            const { seq } = message.event;
            if (seq <= lastSeq) return;
            // A gap cannot come from a well-behaved server; ask again from what we hold.
            if (seq > lastSeq + 1) return subscription.restart();
            pending.push(message.event);
            lastSeq = seq;
          } else if (message.type === 'caught-up') {
            status = 'ready';
            error = undefined;
          } else if (message.type === 'error') {
            status = 'error';
            error = { code: message.code, message: message.message };
          } else return;
          batch.schedule();
        },
      );
      return () => subscription.close();
    },
    options,
  );
