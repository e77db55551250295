import type { TaskSnapshot } from '../client/task-store.js';
import { useAmpoClient } from './ampo-provider.js';
import { useStore } from './use-store.js';

/** One task, kept current: its status as each event arrives, the rest by a throttled refetch. */
export const useTask = (id: string): TaskSnapshot => {
  const client = useAmpoClient();
  return useStore(client.task(id));
};
