import type { TaskLogsSnapshot } from '../client/task-logs-store.js';
import { useAmpoClient } from './ampo-provider.js';
import { useStore } from './use-store.js';

/** A task's log as lines, live; the snapshot changes at most once a frame however fast lines come. */
export const useTaskLogs = (id: string): TaskLogsSnapshot => {
  const client = useAmpoClient();
  return useStore(client.taskLogs(id));
};
