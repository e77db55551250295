import { createBatcher } from './batcher.js';
import { createActiveStore } from './external-store.js';
import type { LiveConnection } from './live-connection.js';
import { createLogLines, type LogLine } from './log-lines.js';
import type { StoreError } from './task-events-store.js';

export interface TaskLogsSnapshot {
  status: 'loading' | 'ready' | 'error';
  /**
   * The log's lines. The array is shared between snapshots and only grows: read the first
   * `lineCount` of it.
   */
  lines: readonly LogLine[];
  lineCount: number;
  /** The seq of the last chunk held. */
  lastSeq: number;
  error?: StoreError;
}

const initial: TaskLogsSnapshot = { status: 'loading', lines: [], lineCount: 0, lastSeq: 0 };

/**
 * One task's log over the live connection, as lines. Chunks are folded in as they arrive and the
 * snapshot changes at most once a frame, so a burst of 10k lines is a handful of renders.
 */
export const createTaskLogsStore = (taskId: string, live: LiveConnection, options: { gcMs: number; onIdle?: () => void }) => {
  const log = createLogLines();
  return createActiveStore<TaskLogsSnapshot>(
    initial,
    (store) => {
      let { status, lastSeq } = store.getSnapshot();
      let error: StoreError | undefined;
      const batch = createBatcher(() =>
        store.set({ status, lines: log.lines, lineCount: log.lines.length, lastSeq, ...(error ? { error } : {}) }),
      );
      const subscription = live.subscribe(
        () => ({ type: 'subscribe-logs', taskId, afterSeq: lastSeq }),
        (message) => {
          if (message.type === 'log') {
            const { seq } = message.chunk;
            if (seq <= lastSeq) return;
            if (seq > lastSeq + 1) return subscription.restart();
            log.push(message.chunk);
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
};
