import type { CiFailure } from '@ampo/core/wire';
import { useId, useMemo } from 'react';
import { useTask } from '../hooks/use-task.js';
import { useTaskEvents } from '../hooks/use-task-events.js';
import { classNames } from './class-names.js';
import { conclusionTone, formatDuration, shortSha } from './format.js';
import { ConclusionBadge } from './status-badge.js';
import { timelineOf } from './timeline-model.js';

const where = (failure: CiFailure) => (failure.file ? `${failure.file}${failure.line ? `:${failure.line}` : ''}` : undefined);

const FailureList = ({ failures, label }: { failures: readonly CiFailure[]; label: string }) => (
  <ul className="ampo-ci-timeline__failures" aria-label={label}>
    {failures.map((failure, index) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: failures of one attempt never reorder
      <li key={index}>
        <span className="ampo-ci-timeline__failure-check">
          {failure.check}
          {failure.test ? ` › ${failure.test}` : ''}
        </span>
        {where(failure) && <code className="ampo-mono"> {where(failure)}</code>}
        {failure.message && <span className="ampo-ci-timeline__failure-message"> {failure.message}</span>}
      </li>
    ))}
  </ul>
);

export interface CiTimelineProps {
  taskId: string;
  className?: string;
}

/**
 * Every CI attempt of a task, oldest first: the commit, the conclusion, each check, the failures,
 * and the digest that went back to the agent — the story of how the task got to green.
 */
export const CiTimeline = ({ taskId, className }: CiTimelineProps) => {
  const { task } = useTask(taskId);
  const { events } = useTaskEvents(taskId);
  const attempts = useMemo(() => (task ? timelineOf(task, events) : []), [task, events]);
  const id = useId();
  if (!task) return <p className="ampo-muted">Loading the CI timeline…</p>;
  const lastFailed = [...attempts].reverse().find((attempt) => attempt.digest)?.attempt;
  return (
    <div className={classNames('ampo-theme', 'ampo-ci-timeline', className)}>
      <p className="ampo-muted ampo-ci-timeline__summary">
        {task.attempts.length} of {task.request.maxCiAttempts} CI attempt{task.request.maxCiAttempts === 1 ? '' : 's'} used
        {task.waitingReason ? ` · ${task.waitingReason}` : ''}
      </p>
      {attempts.length === 0 ? (
        <p className="ampo-muted">No CI run yet: the agent has not pushed a commit.</p>
      ) : (
        <ol className="ampo-ci-timeline__attempts">
          {attempts.map((attempt) => {
            const headingId = `${id}-attempt-${attempt.attempt}`;
            const duration = attempt.endedAt !== undefined ? formatDuration(attempt.endedAt - attempt.startedAt) : undefined;
            return (
              <li
                key={`${attempt.attempt}-${attempt.sha}`}
                className="ampo-ci-timeline__attempt"
                data-tone={conclusionTone(attempt.conclusion)}
                data-attempt={attempt.attempt}
                aria-labelledby={headingId}
              >
                <span className="ampo-ci-timeline__marker" aria-hidden="true" />
                <div className="ampo-ci-timeline__header">
                  <h4 id={headingId} className="ampo-ci-timeline__title">
                    Attempt {attempt.attempt}
                  </h4>
                  <code className="ampo-mono" title={attempt.sha}>
                    {shortSha(attempt.sha)}
                  </code>
                  <ConclusionBadge conclusion={attempt.conclusion} />
                  {duration && <span className="ampo-muted">{duration}</span>}
                </div>
                {attempt.checks.length > 0 && (
                  <ul className="ampo-ci-timeline__checks" aria-label={`Checks of attempt ${attempt.attempt}`}>
                    {attempt.checks.map((check) => (
                      <li key={check.name} data-tone={conclusionTone(check.state === 'completed' ? check.conclusion : undefined)}>
                        <span className="ampo-ci-timeline__check-dot" aria-hidden="true" />
                        {check.url ? (
                          <a href={check.url} target="_blank" rel="noreferrer">
                            {check.name}
                          </a>
                        ) : (
                          <span>{check.name}</span>
                        )}
                        <span className="ampo-muted">
                          {check.state === 'completed' ? (check.conclusion ?? 'done').replace(/_/g, ' ') : check.state.replace(/_/g, ' ')}
                          {check.durationMs !== undefined ? ` · ${formatDuration(check.durationMs)}` : ''}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
                {attempt.failures.length > 0 && (
                  <FailureList failures={attempt.failures} label={`Failures of attempt ${attempt.attempt}`} />
                )}
                {attempt.baseFailures.length > 0 && (
                  <details className="ampo-details">
                    <summary>
                      {attempt.baseFailures.length} failure{attempt.baseFailures.length === 1 ? '' : 's'} also on the base branch (not
                      charged)
                    </summary>
                    <FailureList failures={attempt.baseFailures} label={`Base branch failures of attempt ${attempt.attempt}`} />
                  </details>
                )}
                {attempt.digest && (
                  <details className="ampo-details ampo-ci-timeline__digest" open={attempt.attempt === lastFailed}>
                    <summary>Feedback sent to the agent{attempt.answeredByTurn ? ` (turn ${attempt.answeredByTurn})` : ''}</summary>
                    <pre className="ampo-pre">{attempt.digest}</pre>
                  </details>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
};
