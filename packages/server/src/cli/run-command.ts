import { isTerminalStatus, type OrchestratorEvent, type Task } from '@ampo/core';
import { filter, firstValueFrom } from 'rxjs';
import { createEmbeddedStack, type EmbeddedStack } from '../stack/create-embedded-stack.js';
import { cannotStart } from './cannot-start.js';
import type { CliIo } from './cli-io.js';
import type { RunOptions } from './command-options.js';
import { createProgressPrinter, progressLine } from './progress.js';
import { agentsOf, describeStack, noAgentProblem, stackSettingsOf } from './stack-settings.js';
import { createTerminalLogger } from './terminal-logger.js';

/** How long `run` waits, once the task ended, for its workspace to be removed. */
const removalWaitMs = 15_000;

/**
 * `ampo-server run --repo PATH "prompt"`: one task with the embedded defaults, its progress
 * printed as it happens; 0 when it succeeds, 1 otherwise. It resumes no other task. Ctrl-C (or
 * SIGTERM) cancels the task: its containers are removed, and it exits 1.
 */
export const runCommand = async (options: RunOptions, prompt: string, io: CliIo): Promise<number> => {
  const agents = agentsOf(options);
  const problem = Object.keys(agents).length === 0 ? noAgentProblem : !agents[options.agent] ? agentMissing(options.agent) : undefined;
  if (problem) {
    for (const line of cannotStart(new Error(problem))) io.err(line);
    return 1;
  }
  const logger = createTerminalLogger(options.logLevel ?? 'warn', io.err);
  let stack: EmbeddedStack;
  try {
    stack = await createEmbeddedStack(stackSettingsOf(options, { logger }));
  } catch (error) {
    for (const line of cannotStart(error)) io.err(line);
    return 1;
  }
  for (const line of describeStack(options, agents)) io.out(progressLine('setup', line));

  let task: Task;
  try {
    task = await stack.orchestrator.createTask({ repo: options.repo[0] as string, prompt, agent: options.agent });
  } catch (error) {
    io.err(`The task was refused: ${(error as Error).message}`);
    await stack.close();
    return 1;
  }
  io.out(progressLine('task', `${task.id} on branch ${task.branch}`));
  let cancelling = false;
  const cancel = () => {
    if (cancelling) return;
    cancelling = true;
    io.err('cancelling the task');
    stack.orchestrator.cancelTask(task.id, 'Cancelled from the terminal.').catch(() => io.exit(1));
  };
  process.on('SIGINT', cancel);
  process.on('SIGTERM', cancel);

  const print = createProgressPrinter(io.out);
  const events$ = stack.orchestrator.taskEvents$(task.id);
  const removed = firstValueFrom(events$.pipe(filter((event) => event.type === 'workspace-removed')));
  const finished = await new Promise<OrchestratorEvent & { type: 'task-status-changed' }>((resolve) => {
    events$.subscribe((event) => {
      print(event);
      if (event.type === 'task-status-changed' && isTerminalStatus(event.to)) resolve(event);
    });
  });
  // The workspace is removed after the final status: wait for it, so no container outlives the command.
  const workspaceCreated = (await stack.orchestrator.readEvents(task.id)).some((event) => event.type === 'workspace-created');
  if (workspaceCreated) await Promise.race([removed, new Promise((resolve) => setTimeout(resolve, removalWaitMs).unref())]);
  const final = await stack.orchestrator.getTask(task.id);
  io.out(
    progressLine(
      'result',
      `branch ${final?.branch} at ${final?.headSha ?? 'nothing pushed'}, ${final?.attempts.length ?? 0} CI attempt(s)`,
    ),
  );
  await stack.close();
  const succeeded = finished.to === 'succeeded';
  io.out(progressLine('done', succeeded ? 'succeeded' : `the task ${finished.to}${finished.reason ? `: ${finished.reason}` : ''}`));
  return succeeded ? 0 : 1;
};

const agentMissing = (agent: string) =>
  `The ${agent} agent has no key: set ${agent === 'claude-code' ? 'ANTHROPIC_API_KEY' : agent === 'codex' ? 'CODEX_API_KEY' : 'AMP_API_KEY (or pass --agent-binary)'}.`;
