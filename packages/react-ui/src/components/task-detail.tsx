import { type ReactNode, useId } from 'react';
import { useTask } from '../hooks/use-task.js';
import { AgentTranscript } from './agent-transcript.js';
import { CancelButton } from './cancel-button.js';
import { CiTimeline } from './ci-timeline.js';
import { classNames } from './class-names.js';
import { DiffView } from './diff-view.js';
import { formatAge, formatCost, isActive, shortSha, taskTitle } from './format.js';
import { LiveLog } from './live-log.js';
import { MessageBox } from './message-box.js';
import { StatusBadge } from './status-badge.js';
import { useNow } from './use-now.js';

export interface TaskDetailProps {
  taskId: string;
  /** A unified diff of the task branch, when you have one; otherwise the agent's reported changes are shown. */
  diff?: string;
  /** Leave out sections. */
  hide?: readonly ('timeline' | 'transcript' | 'log' | 'diff' | 'actions')[];
  /** The log's height, as CSS. @default '24rem' */
  logHeight?: string;
  className?: string;
  /** The time to measure ages from. @default now, refreshed */
  now?: number;
}

const Section = ({ title, children, name }: { title: string; children: ReactNode; name: string }) => {
  const id = useId();
  return (
    <section className="ampo-task-detail__section" data-section={name} aria-labelledby={id}>
      <h3 id={id} className="ampo-heading ampo-heading--section">
        {title}
      </h3>
      {children}
    </section>
  );
};

/** Everything about one task: what it is, where it stands, its CI attempts, the transcript, the log and the change; message and cancel. */
export const TaskDetail = ({ taskId, diff, hide = [], logHeight, className, now: fixedNow }: TaskDetailProps) => {
  const { task, status, error } = useTask(taskId);
  const now = useNow(30_000, fixedNow);
  const shown = (section: 'timeline' | 'transcript' | 'log' | 'diff' | 'actions') => !hide.includes(section);
  if (status === 'error') {
    return (
      <p className={classNames('ampo-theme', 'ampo-notice', className)} data-tone="failure" role="alert">
        {error?.code === 'not-found' ? 'There is no such task.' : `The task could not be loaded: ${error?.message}`}
      </p>
    );
  }
  if (!task) return <p className={classNames('ampo-theme', 'ampo-muted', className)}>Loading the task…</p>;
  return (
    <article
      className={classNames('ampo-theme', 'ampo-task-detail', className)}
      data-status={task.status}
      aria-labelledby={`${taskId}-title`}
    >
      <header className="ampo-task-detail__header">
        <div className="ampo-task-detail__title-row">
          <h2 id={`${taskId}-title`} className="ampo-heading ampo-task-detail__title">
            {taskTitle(task)}
          </h2>
          <StatusBadge status={task.status} />
        </div>
        <dl className="ampo-task-detail__facts">
          <div>
            <dt>Repository</dt>
            <dd className="ampo-mono ampo-truncate">{task.request.repo}</dd>
          </div>
          <div>
            <dt>Branch</dt>
            <dd className="ampo-mono ampo-truncate">
              {task.branch}
              {task.headSha ? ` @ ${shortSha(task.headSha)}` : ''}
            </dd>
          </div>
          <div>
            <dt>Pull request</dt>
            <dd>
              {task.pullRequest ? (
                <a href={task.pullRequest.url} target="_blank" rel="noreferrer">
                  #{task.pullRequest.number}
                </a>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt>Agent</dt>
            <dd>{task.request.agent}</dd>
          </div>
          <div>
            <dt>CI attempts</dt>
            <dd>
              {task.attempts.length} of {task.request.maxCiAttempts}
            </dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>
              {formatCost(task.usage.costUsd)} · {task.usage.turns} turn{task.usage.turns === 1 ? '' : 's'}
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={new Date(task.createdAt).toISOString()}>{formatAge(task.createdAt, now)} ago</time>
            </dd>
          </div>
        </dl>
        {task.failure && (
          <p className="ampo-notice" data-tone="failure">
            <strong>{task.failure.code}</strong>: {task.failure.reason}
          </p>
        )}
        <details className="ampo-details ampo-task-detail__prompt">
          <summary>Prompt</summary>
          <pre className="ampo-pre">{task.request.prompt}</pre>
        </details>
      </header>
      {shown('actions') && isActive(task.status) && (
        <div className="ampo-task-detail__actions">
          <MessageBox taskId={taskId} />
          <CancelButton taskId={taskId} />
        </div>
      )}
      <div className="ampo-task-detail__grid">
        {shown('timeline') && (
          <Section title="CI attempts" name="timeline">
            <CiTimeline taskId={taskId} />
          </Section>
        )}
        {shown('log') && (
          <Section title="Live log" name="log">
            <LiveLog taskId={taskId} {...(logHeight ? { height: logHeight } : {})} />
          </Section>
        )}
        {shown('transcript') && (
          <Section title="Agent transcript" name="transcript">
            <AgentTranscript taskId={taskId} />
          </Section>
        )}
        {shown('diff') && (
          <Section title="Changes" name="diff">
            <DiffView taskId={taskId} {...(diff !== undefined ? { diff } : {})} />
          </Section>
        )}
      </div>
    </article>
  );
};
