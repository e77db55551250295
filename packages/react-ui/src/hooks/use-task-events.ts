import type { TaskEventsSnapshot } from '../client/task-events-store.js';
import { useAmpoClient } from './ampo-provider.js';
import { useStore } from './use-store.js';

/** Every event of a task, in seq order, each once — also across a dropped connection. */
export const useTaskEvents = (id: string): TaskEventsSnapshot => {
  const client = useAmpoClient();
  return useStore(client.taskEvents(id));
};
