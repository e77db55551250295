import type { Task } from '../domain/task-state.js';

const shortSha = (sha: string) => sha.slice(0, 7);

/** The pull request title: the task's title, or the prompt's first line. */
export const pullRequestTitle = (task: Task): string => {
  const title = task.request.title ?? task.request.prompt.split('\n')[0] ?? 'ampo task';
  return title.length > 100 ? `${title.slice(0, 99)}…` : title;
};

/** The pull request body: what was asked, and the history of CI attempts. */
export const pullRequestBody = (task: Task): string => {
  const prompt = task.request.prompt.length > 1500 ? `${task.request.prompt.slice(0, 1500)}…` : task.request.prompt;
  const lines = [
    `Opened by ampo for task \`${task.id}\` with the \`${task.request.agent}\` agent.`,
    '',
    '### Task',
    '',
    ...prompt.split('\n').map((line) => `> ${line}`),
    '',
    '### CI attempts',
    '',
  ];
  if (task.attempts.length === 0) lines.push('_CI has not finished on this branch yet._');
  else {
    lines.push('| attempt | commit | result | first failure |', '|---|---|---|---|');
    for (const attempt of task.attempts) {
      const failure = attempt.failures[0];
      const summary = failure
        ? `${failure.check}${failure.test ? ` › ${failure.test}` : ''}: ${failure.message}`.replace(/[|\n]/g, ' ').slice(0, 120)
        : '';
      lines.push(`| ${attempt.attempt} | ${shortSha(attempt.sha)} | ${attempt.conclusion} | ${summary} |`);
    }
  }
  return lines.join('\n');
};
