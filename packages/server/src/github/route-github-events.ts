import type { GitHubEvent } from '@ampo/adapter-github';
import { AmpoError, type Logger, type Orchestrator } from '@ampo/core';
import type { Observable, Subscription } from 'rxjs';

/** A reviewer's words for the agent, fenced: the agent reads them as a request, not as instructions about its setup. */
export const commentMessage = (event: Extract<GitHubEvent, { type: 'pull-request-comment' }>): string => {
  const where = event.path ? ` on ${event.path}${event.line ? `:${event.line}` : ''}` : '';
  return [
    `@${event.author} (who may write to ${event.repo}) commented on pull request #${event.number}${where}:`,
    '"""',
    event.body.trim(),
    '"""',
  ].join('\n');
};

/**
 * Acts on what GitHub says about ampo's pull requests: a writer's comment becomes a message on
 * the task's agent thread; a pull request closed without merging cancels its task. (Comments by
 * others never get here: the adapter drops them.) CI changes wake the CI watcher inside the adapter.
 */
export const routeGitHubEvents = (events$: Observable<GitHubEvent>, orchestrator: Orchestrator, logger: Logger): Subscription =>
  events$.subscribe((event) => {
    const acted =
      event.type === 'pull-request-comment'
        ? orchestrator.sendMessage(event.taskId, commentMessage(event), event.author)
        : event.type === 'pull-request-closed' && !event.merged
          ? orchestrator.cancelTask(event.taskId, `Pull request #${event.number} was closed without merging.`)
          : undefined;
    acted?.catch((error: unknown) => {
      const code = AmpoError.isInstance(error) ? error.code : 'internal';
      logger.warn('a GitHub event could not be applied to its task', {
        type: event.type,
        taskId: 'taskId' in event ? event.taskId : undefined,
        code,
        error: (error as Error).message,
      });
    });
  });
