import type { Task, TaskStatus } from '@ampo/core/wire';
import { type MouseEvent, useId, useMemo, useState } from 'react';
import type { TaskFilter } from '../client/http-client.js';
import { useTasks } from '../hooks/use-tasks.js';
import { classNames } from './class-names.js';
import { ciState, formatAge, formatCost, taskTitle } from './format.js';
import { Badge, StatusBadge } from './status-badge.js';
import { useNow } from './use-now.js';

const statusGroups: Record<string, { label: string; statuses?: TaskStatus[] }> = {
  all: { label: 'All' },
  active: { label: 'Active', statuses: ['queued', 'provisioning', 'cloning', 'agent-running', 'pushing', 'ci-waiting', 'feedback'] },
  succeeded: { label: 'Succeeded', statuses: ['succeeded'] },
  failed: { label: 'Failed', statuses: ['failed'] },
  cancelled: { label: 'Cancelled', statuses: ['cancelled'] },
};

export interface TaskListProps {
  /** Where a task's row links to. @default none: rows are not links */
  taskHref?: (task: Task) => string;
  /** Called when a task's link is followed (e.g. for client-side navigation; call `event.preventDefault()`). */
  onSelectTask?: (task: Task, event: MouseEvent<HTMLAnchorElement>) => void;
  /** The filter to start with. */
  initialFilter?: TaskFilter;
  /** Show the status and repository filters. @default true */
  showFilters?: boolean;
  /** Repositories offered in the repository filter. */
  repositories?: readonly string[];
  className?: string;
  /** The time to measure ages from (tests, screenshots). @default now, refreshed */
  now?: number;
  /** The level of the list's "Tasks" heading. @default 2 */
  headingLevel?: 1 | 2 | 3 | 4;
}

const groupOf = (filter: TaskFilter | undefined) =>
  Object.entries(statusGroups).find(([, group]) => group.statuses?.join() === filter?.status?.join())?.[0] ?? 'all';

/** The tasks, newest first, live: status, repository, branch, pull request, CI, attempts, cost and age; filters. */
export const TaskList = ({
  taskHref,
  onSelectTask,
  initialFilter,
  showFilters = true,
  repositories,
  className,
  now: fixedNow,
  headingLevel = 2,
}: TaskListProps) => {
  const Heading = `h${headingLevel}` as const;
  const [group, setGroup] = useState(() => groupOf(initialFilter));
  const [repo, setRepo] = useState(initialFilter?.repo ?? '');
  const filter = useMemo<TaskFilter>(() => {
    const statuses = statusGroups[group]?.statuses;
    return { ...initialFilter, ...(statuses ? { status: statuses } : { status: undefined }), ...(repo ? { repo } : { repo: undefined }) };
  }, [group, repo, initialFilter]);
  const { tasks, status, error, hasMore, loadMore, loadingMore } = useTasks(filter);
  const now = useNow(30_000, fixedNow);
  const id = useId();
  const known = useMemo(
    () => [...new Set([...(repositories ?? []), ...tasks.map((task) => task.request.repo)])].sort(),
    [repositories, tasks],
  );

  return (
    <section className={classNames('ampo-theme', 'ampo-task-list', className)} aria-labelledby={`${id}-title`}>
      <div className="ampo-task-list__bar">
        <Heading id={`${id}-title`} className="ampo-heading">
          Tasks
        </Heading>
        {showFilters && (
          <div className="ampo-task-list__filters">
            <label className="ampo-field ampo-field--inline">
              <span className="ampo-field__label">Status</span>
              <select className="ampo-input" value={group} onChange={(event) => setGroup(event.target.value)}>
                {Object.entries(statusGroups).map(([value, { label }]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label className="ampo-field ampo-field--inline">
              <span className="ampo-field__label">Repository</span>
              <select className="ampo-input" value={repo} onChange={(event) => setRepo(event.target.value)}>
                <option value="">All</option>
                {known.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
      </div>
      {status === 'error' && (
        <p className="ampo-notice" data-tone="failure" role="alert">
          The tasks could not be loaded: {error?.message}
        </p>
      )}
      {status === 'loading' && <p className="ampo-muted">Loading tasks…</p>}
      {status === 'ready' && tasks.length === 0 && (
        <p className="ampo-muted">No tasks{group !== 'all' || repo ? ' match these filters' : ' yet'}.</p>
      )}
      {tasks.length > 0 && (
        <table className="ampo-table ampo-task-list__table">
          <caption className="ampo-visually-hidden">Tasks, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Repository</th>
              <th scope="col">Branch</th>
              <th scope="col">Pull request</th>
              <th scope="col">CI</th>
              <th scope="col">Attempts</th>
              <th scope="col">Cost</th>
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((task) => {
              const ci = ciState(task);
              const title = taskTitle(task);
              return (
                <tr key={task.id} data-task-id={task.id} data-status={task.status}>
                  <th scope="row" className="ampo-task-list__title" data-label="Task">
                    {taskHref ? (
                      <a href={taskHref(task)} onClick={onSelectTask ? (event) => onSelectTask(task, event) : undefined}>
                        {title}
                      </a>
                    ) : (
                      title
                    )}
                  </th>
                  <td data-label="Status">
                    <StatusBadge status={task.status} />
                  </td>
                  <td data-label="Repository" className="ampo-mono ampo-truncate" title={task.request.repo}>
                    {task.request.repo}
                  </td>
                  <td data-label="Branch" className="ampo-mono ampo-truncate" title={task.branch}>
                    {task.branch}
                  </td>
                  <td data-label="Pull request">
                    {task.pullRequest ? (
                      <a href={task.pullRequest.url} target="_blank" rel="noreferrer">
                        #{task.pullRequest.number}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="CI">
                    <Badge tone={ci.tone}>{ci.label}</Badge>
                  </td>
                  <td data-label="Attempts">
                    {task.attempts.length}/{task.request.maxCiAttempts}
                  </td>
                  <td data-label="Cost">{formatCost(task.usage.costUsd)}</td>
                  <td data-label="Age">
                    <time dateTime={new Date(task.createdAt).toISOString()}>{formatAge(task.createdAt, now)}</time>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {hasMore && (
        <button type="button" className="ampo-button" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'Show more tasks'}
        </button>
      )}
    </section>
  );
};
