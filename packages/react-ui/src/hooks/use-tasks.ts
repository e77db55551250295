import { useMemo } from 'react';
import type { TaskFilter } from '../client/http-client.js';
import { filterKey } from '../client/task-filter.js';
import type { TaskListSnapshot } from '../client/task-list-store.js';
import { useAmpoClient } from './ampo-provider.js';
import { useStore } from './use-store.js';

export interface UseTasksResult extends TaskListSnapshot {
  /** Fetches the next page, when `hasMore`. */
  loadMore(): Promise<void>;
}

/** The tasks that match `filter`, newest first, kept current as their events arrive. */
export const useTasks = (filter: TaskFilter = {}): UseTasksResult => {
  const client = useAmpoClient();
  const key = filterKey(filter);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the filter's content
  const store = useMemo(() => client.tasks(filter), [client, key]);
  const snapshot = useStore(store);
  return useMemo(() => ({ ...snapshot, loadMore: store.loadMore }), [snapshot, store]);
};
