import type { Task } from '@ampo/core/wire';
import type { TaskFilter } from './http-client.js';

/** Whether a task belongs in a list with `filter`, judged as the server judges it. */
export const matchesFilter = (task: Task, filter: TaskFilter): boolean => {
  if (filter.status && filter.status.length > 0 && !filter.status.includes(task.status)) return false;
  if (filter.repo && task.request.repo !== filter.repo) return false;
  for (const [key, value] of Object.entries(filter.labels ?? {})) if (task.request.labels?.[key] !== value) return false;
  return true;
};

/** One key per distinct filter, so equal filters share a store. */
export const filterKey = (filter: TaskFilter = {}): string =>
  JSON.stringify([
    [...(filter.status ?? [])].sort(),
    filter.repo ?? '',
    Object.entries(filter.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
