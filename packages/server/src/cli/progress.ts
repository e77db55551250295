import type { OrchestratorEvent } from '@ampo/core';

/** A line as `label    text`: the label column is as wide as the longest label. */
export const progressLine = (label: string, text: string) => `${label.padEnd(8)} ${text}`;

/**
 * Prints a task's events as they arrive, one or a few lines each: status, agent messages and
 * tool uses, each CI attempt and check, the digest sent back to the agent, pushes and the review
 * request. Each completed check is printed once.
 */
export const createProgressPrinter = (write: (line: string) => void) => {
  const say = (label: string, text: string) => write(progressLine(label, text));
  const reported = new Set<string>();
  return (event: OrchestratorEvent) => {
    switch (event.type) {
      case 'task-status-changed':
        return say('status', `${event.to}${event.reason ? `: ${event.reason}` : ''}`);
      case 'agent-turn-started':
        if (event.reason === 'ci-feedback') {
          say('digest', 'sent to the agent:');
          for (const line of event.prompt.split('\n')) write(`         | ${line}`);
        }
        return say('agent', `turn ${event.turn} (${event.reason})`);
      case 'agent-output':
        if (event.output.type === 'text') return say('agent', event.output.text);
        if (event.output.type === 'tool-use')
          return say('agent', `uses ${event.output.tool}${event.output.input ? ` ${event.output.input.slice(0, 80)}` : ''}`);
        return;
      case 'ci-run-started':
        return say('ci', `attempt ${event.attempt} on ${event.sha.slice(0, 7)}`);
      case 'ci-status-changed':
        for (const check of event.checks) {
          const key = `${event.sha}/${check.name}`;
          if (check.state !== 'completed' || reported.has(key)) continue;
          reported.add(key);
          say('check', `${check.name}: ${check.conclusion} (${Math.round((check.durationMs ?? 0) / 100) / 10} s)`);
        }
        return;
      case 'ci-run-end':
        return say('ci', `${event.conclusion}${event.failures.length ? `, ${event.failures.length} failure(s)` : ''}`);
      case 'branch-pushed':
        return event.changed ? say('git', `pushed ${event.branch} at ${event.sha.slice(0, 7)}`) : undefined;
      case 'pull-request-opened':
        return say(
          'review',
          `${event.pullRequest.url.startsWith('review:') ? 'review request' : 'pull request'} #${event.pullRequest.number} opened`,
        );
      default:
        return;
    }
  };
};
