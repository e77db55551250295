import type { AgentEvent } from '../domain/agent.js';
import { AmpoError } from '../errors.js';
import { tailBytes } from '../feedback/text.js';
import type { Effect, EffectOf } from '../machine/effects.js';
import type { RetryPolicy } from '../machine/retry-policy.js';
import { retryDelay } from '../machine/retry-policy.js';
import type { AgentDriver } from '../ports/agent-driver.js';
import type { CiProvider } from '../ports/ci-provider.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime, Execution, Workspace } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';
import type { SourceHost } from '../ports/source-host.js';
import type { TaskStore } from '../ports/task-store.js';
import type { Redactor } from '../redaction.js';
import { createLineSplitter } from './line-splitter.js';
import { pullRequestBody, pullRequestTitle } from './pull-request-body.js';
import type { EventInput, TaskHandle } from './task-handle.js';
import { gitCommands, runChecked } from './workspace-commands.js';

export interface EffectEnvironment {
  runtime: ContainerRuntime;
  agents: Partial<Record<string, AgentDriver>>;
  source: SourceHost;
  ci: CiProvider;
  store: TaskStore;
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  instanceId: string;
  repositoryDirectory: string;
  commitAuthor: { name: string; email: string };
  infrastructureRetry: RetryPolicy;
  /** Appends an event for the task unless its effect generation is stale. */
  emit(handle: TaskHandle, event: EventInput, generation?: number): Promise<void>;
  /** Appends redacted log text for the task. */
  log(handle: TaskHandle, stream: 'stdout' | 'stderr' | 'system', text: string, source?: string): void;
  requestSlot(handle: TaskHandle): void;
  releaseSlot(handle: TaskHandle): void;
}

const stderrTailBytes = 4096;

const redactAgentEvent = (event: AgentEvent, redact: (text: string) => string): AgentEvent => {
  switch (event.type) {
    case 'text':
      return { ...event, text: redact(event.text) };
    case 'tool-use':
      return event.input === undefined ? event : { ...event, input: redact(event.input) };
    case 'tool-result':
      return event.output === undefined ? event : { ...event, output: redact(event.output) };
    case 'notice':
    case 'error':
      return { ...event, message: redact(event.message) };
    case 'result':
      return event.reason === undefined ? event : { ...event, reason: redact(event.reason) };
    default:
      return event;
  }
};

/** Runs `attempt`, retrying retryable AmpoErrors on the clock per `policy`. */
const withRetries = async <T>(environment: EffectEnvironment, what: string, attempt: () => Promise<T>): Promise<T> => {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = AmpoError.isInstance(error) && error.retryable ? retryDelay(environment.infrastructureRetry, retry) : undefined;
      if (delay === undefined) throw error;
      environment.logger.warn(`${what} failed, retrying`, { retry, delayMs: delay, error: environment.redactor.redact(String(error)) });
      await new Promise<void>((resolve) => environment.clock.setTimer(delay, resolve));
    }
  }
};

const workspaceOf = async (environment: EffectEnvironment, handle: TaskHandle): Promise<Workspace> => {
  const id = handle.state.workspaceId;
  const workspace = id ? await environment.runtime.get(id) : undefined;
  if (!workspace) throw new AmpoError('runtime-error', `The workspace of task ${handle.id} is gone (it was removed outside ampo).`);
  return workspace;
};

const registerSecrets = (environment: EffectEnvironment, env: Record<string, string> | undefined) => {
  for (const value of Object.values(env ?? {})) environment.redactor.add(value);
};

const createWorkspace = async (environment: EffectEnvironment, handle: TaskHandle, generation: number) => {
  const workspaceId = await withRetries(environment, 'create workspace', async () => {
    // Found by label after a restart; check containers of the same task carry another role.
    const existing = await environment.runtime.list({ 'ampo.task': handle.id, 'ampo.role': 'workspace' });
    const running = existing.find((workspace) => workspace.running);
    // A crash between creating a container and starting it leaves one that never ran and that no
    // event names: nothing would ever remove it, so it goes now.
    for (const stale of existing) if (!stale.running) await environment.runtime.remove(stale.id);
    if (running) return running.id;
    const created = await environment.runtime.create({
      taskId: handle.id,
      labels: { 'ampo.task': handle.id, 'ampo.instance': environment.instanceId, 'ampo.role': 'workspace' },
    });
    return created.id;
  });
  await environment.emit(handle, { type: 'workspace-created', workspaceId }, generation);
};

const cloneRepository = async (environment: EffectEnvironment, handle: TaskHandle, generation: number) => {
  const { request, branch } = handle.state;
  const redact = environment.redactor.redact;
  const workspace = await workspaceOf(environment, handle);
  const git = gitCommands(environment.repositoryDirectory);
  const remote = await withRetries(environment, 'get clone credentials', () => environment.source.cloneRemote(request.repo));
  registerSecrets(environment, remote.env);
  environment.log(handle, 'system', `cloning ${request.repo} (${request.baseBranch})\n`);
  await runChecked(workspace, ['rm', '-rf', '--', environment.repositoryDirectory], { redact, what: 'clear the checkout directory' });
  await runChecked(workspace, git.clone(remote.url, request.baseBranch), { env: remote.env, redact, what: `clone ${request.repo}` });
  await runChecked(workspace, git.checkoutNewBranch(branch), { redact, what: `create branch ${branch}` });
  await runChecked(workspace, git.configure('user.name', environment.commitAuthor.name), { redact, what: 'configure git' });
  await runChecked(workspace, git.configure('user.email', environment.commitAuthor.email), { redact, what: 'configure git' });
  const head = await runChecked(workspace, git.head(), { redact, what: 'read the base commit' });
  await environment.emit(handle, { type: 'repo-cloned', baseSha: head.stdout.trim() }, generation);
};

const lastSeenLine = async (environment: EffectEnvironment, handle: TaskHandle, turn: number): Promise<number> => {
  const events = await environment.store.readEvents(handle.id);
  let line = 0;
  for (const event of events) if (event.type === 'agent-output' && event.turn === turn) line = Math.max(line, event.line);
  return line;
};

/** The prompt that continues a turn whose process was killed from outside (e.g. the container restarted). */
export const interruptedTurnPrompt = (prompt: string) =>
  `Your previous run on this task was interrupted before it finished (the process was killed from outside). Check the state of the working copy and carry on with the same instructions:\n\n${prompt}`;

const runAgentTurn = async (
  environment: EffectEnvironment,
  handle: TaskHandle,
  effect: EffectOf<'run-agent-turn'>,
  generation: number,
  continuation = 0,
): Promise<void> => {
  const task = handle.state;
  const driver = environment.agents[task.request.agent];
  if (!driver) {
    throw new AmpoError(
      'invalid-input',
      `No driver is configured for the "${task.request.agent}" agent; pass one in createOrchestrator({ agents }).`,
    );
  }
  const workspace = await workspaceOf(environment, handle);
  const invocation = driver.buildTurn({
    prompt: effect.prompt,
    cwd: environment.repositoryDirectory,
    ...(effect.sessionId ? { sessionId: effect.sessionId } : {}),
  });
  registerSecrets(environment, invocation.secretEnv);
  const source = `turn-${effect.turn}`;

  // Named by the orchestrator, so a restart finds the process even if it crashed before recording it.
  const plannedId = `turn-${effect.turn}-${task.currentTurn?.startRetries ?? 0}${continuation ? `-c${continuation}` : ''}`;
  let execution: Execution | undefined;
  let skipLines = 0;
  let attached = false;
  if (effect.resume) {
    // After a restart: read the running (or finished) turn again rather than starting a second one.
    try {
      execution = await workspace.attach(effect.resume.executionId ?? plannedId, 0);
      skipLines = await lastSeenLine(environment, handle, effect.turn);
      attached = true;
      environment.log(handle, 'system', `re-attached to agent turn ${effect.turn}\n`, source);
    } catch {
      execution = undefined;
    }
  }
  let recordStart = execution !== undefined && !task.currentTurn?.started;
  if (!execution) {
    try {
      execution = await workspace.exec(invocation.argv, {
        env: { ...invocation.env, ...invocation.secretEnv },
        cwd: environment.repositoryDirectory,
        detached: true,
        executionId: plannedId,
        ...(invocation.stdin !== undefined ? { stdin: invocation.stdin } : {}),
      });
      recordStart = true;
    } catch (error) {
      const message = environment.redactor.redact(error instanceof Error ? error.message : String(error));
      await environment.emit(handle, { type: 'agent-turn-ended', turn: effect.turn, outcome: 'start-failed', reason: message }, generation);
      return;
    }
  }
  if (recordStart) {
    const started = {
      turn: effect.turn,
      reason: effect.reason,
      prompt: environment.redactor.redact(effect.prompt),
      executionId: execution.id,
    };
    await environment.emit(handle, { type: 'agent-turn-started', ...started }, generation);
  }

  const running = execution;
  const parser = driver.createParser();
  const lines = createLineSplitter();
  let lineNumber = 0;
  let stderrTail = '';
  let sessionId = task.agentSessionId;
  let detached = false;
  let pending = Promise.resolve();
  const handleLine = (line: string) => {
    lineNumber++;
    const parsed = parser.parseLine(line);
    if (lineNumber <= skipLines) return;
    const number = lineNumber;
    // Not awaited one by one: the orchestrator records them in order, and a burst in one batch.
    for (const output of parsed) {
      if (output.type === 'session' && output.sessionId !== sessionId) {
        sessionId = output.sessionId;
        pending = environment.emit(handle, { type: 'agent-session-started', sessionId: output.sessionId }, generation);
      }
      pending = environment.emit(
        handle,
        { type: 'agent-output', turn: effect.turn, line: number, output: redactAgentEvent(output, environment.redactor.redact) },
        generation,
      );
    }
  };

  const finished = new Promise<void>((resolve) => {
    const subscription = running.output$.subscribe({
      next: (chunk) => {
        environment.log(handle, chunk.stream, chunk.text, source);
        if (chunk.stream === 'stderr') stderrTail = tailBytes(stderrTail + chunk.text, stderrTailBytes);
        else for (const line of lines.push(chunk.text)) handleLine(line);
      },
      error: () => resolve(),
      complete: () => resolve(),
    });
    const inFlight = {
      cancel: async () => {
        subscription.unsubscribe();
        await running.cancel();
        resolve();
      },
      detach: () => {
        detached = true;
        subscription.unsubscribe();
        resolve();
      },
    };
    handle.inFlight.add(inFlight);
    const forget = () => handle.inFlight.delete(inFlight);
    // exit may reject (the engine lost the process); that is handled where exit is awaited.
    running.exit.then(forget, forget);
  });
  await finished;
  if (detached || generation !== handle.generation) return;
  for (const line of lines.end()) handleLine(line);
  const exit = await running.exit;
  await pending;
  const end = parser.finalize({
    exitCode: exit.code,
    ...(exit.signal ? { signal: exit.signal } : {}),
    stderrTail: environment.redactor.redact(stderrTail),
  });
  // A turn we re-attached to after a restart, killed without a result, was interrupted rather than
  // failed (the container or the machine restarted): continue the same thread once.
  const resumedTurnKilled = attached && exit.signal !== undefined && end.outcome !== 'completed';
  if (resumedTurnKilled && sessionId && continuation === 0) {
    environment.log(handle, 'system', `agent turn ${effect.turn} was interrupted (${exit.signal}); continuing the same thread\n`, source);
    const prompt = interruptedTurnPrompt(effect.prompt);
    await runAgentTurn(environment, handle, { ...effect, prompt, sessionId, resume: undefined }, generation, continuation + 1);
    return;
  }
  await environment.emit(
    handle,
    {
      type: 'agent-turn-ended',
      turn: effect.turn,
      outcome: end.outcome,
      ...(end.reason ? { reason: environment.redactor.redact(end.reason) } : {}),
      ...(end.usage ? { usage: end.usage } : {}),
    },
    generation,
  );
};

const commitMessage = (handle: TaskHandle) => {
  const task = handle.state;
  const turn = task.currentTurn;
  const why = turn?.reason === 'ci-feedback' ? 'fix CI failures' : turn?.reason === 'message' ? 'follow-up' : pullRequestTitle(task);
  return `${why}\n\nampo task ${task.id}, agent turn ${turn?.turn ?? 1}.`;
};

const pushBranch = async (environment: EffectEnvironment, handle: TaskHandle, generation: number) => {
  const task = handle.state;
  const redact = environment.redactor.redact;
  const workspace = await workspaceOf(environment, handle);
  const git = gitCommands(environment.repositoryDirectory);
  await runChecked(workspace, git.addAll(), { redact, what: 'stage the changes' });
  const status = await runChecked(workspace, git.status(), { redact, what: 'read the working tree status' });
  if (status.stdout.trim().length > 0) {
    await runChecked(workspace, git.commit(commitMessage(handle)), { redact, what: 'commit the changes' });
  }
  const sha = (await runChecked(workspace, git.head(), { redact, what: 'read the new commit' })).stdout.trim();
  // A commit that is the base or is already pushed is not pushed again (idempotent after a restart).
  if (sha === task.baseSha || sha === task.headSha) {
    await environment.emit(handle, { type: 'branch-pushed', branch: task.branch, sha, changed: false }, generation);
    return;
  }
  await withRetries(environment, 'push', async () => {
    const remote = await environment.source.pushRemote(task.request.repo, task.branch);
    registerSecrets(environment, remote.env);
    const env = { ...git.pushEnvironment(), ...remote.env };
    // What the agent's turns left running is ended first, so none can read the credentials.
    const [clear, init] = git.preparePush();
    await runChecked(workspace, clear ?? [], { endOtherProcesses: true, redact, what: 'clear the push repository' });
    await runChecked(workspace, init ?? [], { env: git.pushEnvironment(), redact, what: 'make the push repository' });
    await runChecked(workspace, git.push(remote.url, task.branch, sha, task.headSha), {
      env,
      endOtherProcesses: true,
      redact,
      what: `push ${task.branch}`,
    });
  });
  environment.log(handle, 'system', `pushed ${task.branch} at ${sha}\n`);
  await environment.emit(handle, { type: 'branch-pushed', branch: task.branch, sha, changed: true }, generation);
};

const openPullRequest = async (environment: EffectEnvironment, handle: TaskHandle, generation: number) => {
  const task = handle.state;
  const pullRequest = await withRetries(environment, 'open pull request', () =>
    environment.source.openPullRequest({
      repo: task.request.repo,
      taskId: task.id,
      base: task.request.baseBranch,
      head: task.branch,
      title: pullRequestTitle(task),
      body: pullRequestBody(task),
    }),
  );
  await environment.emit(handle, { type: 'pull-request-opened', pullRequest }, generation);
};

const updatePullRequest = async (environment: EffectEnvironment, handle: TaskHandle) => {
  const task = handle.state;
  if (!task.pullRequest) return;
  try {
    await environment.source.updatePullRequest({ repo: task.request.repo, number: task.pullRequest.number, body: pullRequestBody(task) });
  } catch (error) {
    environment.logger.warn('could not update the pull request body', {
      taskId: task.id,
      error: environment.redactor.redact(String(error)),
    });
  }
};

const watchCi = async (environment: EffectEnvironment, handle: TaskHandle, effect: EffectOf<'watch-ci'>, generation: number) => {
  if (effect.delayMs) {
    await new Promise<void>((resolve) => {
      const cancel = environment.clock.setTimer(effect.delayMs ?? 0, resolve);
      handle.timers.add(cancel);
    });
    if (generation !== handle.generation) return;
  }
  const task = handle.state;
  const rerun = effect.rerun;
  await environment.emit(
    handle,
    { type: 'ci-run-started', attempt: effect.attempt, sha: effect.sha, ...(rerun ? { rerun } : {}) },
    generation,
  );
  await new Promise<void>((resolve) => {
    let settled = Promise.resolve();
    const subscription = environment.ci
      .watch({
        taskId: task.id,
        repo: task.request.repo,
        sha: effect.sha,
        branch: task.branch,
        baseBranch: task.request.baseBranch,
        ...(task.request.checks ? { checks: task.request.checks } : {}),
        ...(rerun ? { rerun: { checks: rerun.checks } } : {}),
      })
      .subscribe({
        next: (update) => {
          settled = settled.then(() =>
            update.type === 'status'
              ? environment.emit(handle, { type: 'ci-status-changed', sha: effect.sha, checks: update.checks }, generation)
              : environment.emit(
                  handle,
                  {
                    type: 'ci-run-end',
                    sha: effect.sha,
                    conclusion: update.result.conclusion,
                    checks: update.result.checks,
                    failures: update.result.failures.map((failure) => ({
                      ...failure,
                      message: environment.redactor.redact(failure.message),
                      ...(failure.logExcerpt ? { logExcerpt: environment.redactor.redact(failure.logExcerpt) } : {}),
                    })),
                    baseFailures: update.result.baseFailures,
                    ...(update.result.changedFiles ? { changedFiles: update.result.changedFiles.slice(0, 2000) } : {}),
                  },
                  generation,
                ),
          );
        },
        error: (error) => {
          const failure = AmpoError.from(error, 'ci-error');
          settled = settled.then(() =>
            environment.emit(
              handle,
              {
                type: 'task-error',
                code: failure.code,
                message: environment.redactor.redact(failure.message),
                retryable: failure.retryable,
              },
              generation,
            ),
          );
          void settled.then(resolve);
        },
        complete: () => void settled.then(resolve),
      });
    const inFlight = {
      cancel: () => {
        subscription.unsubscribe();
        resolve();
      },
      detach: () => {
        subscription.unsubscribe();
        resolve();
      },
    };
    handle.inFlight.add(inFlight);
    subscription.add(() => handle.inFlight.delete(inFlight));
  });
};

const removeWorkspace = async (environment: EffectEnvironment, handle: TaskHandle) => {
  const id = handle.state.workspaceId;
  if (!id) return;
  await environment.runtime.remove(id);
  await environment.emit(handle, { type: 'workspace-removed' });
};

/** Runs one effect through the ports; its outcome comes back as events. */
export const runEffect = async (environment: EffectEnvironment, handle: TaskHandle, effect: Effect): Promise<void> => {
  const generation = handle.generation;
  switch (effect.type) {
    case 'request-slot':
      return environment.requestSlot(handle);
    case 'release-slot':
      return environment.releaseSlot(handle);
    case 'create-workspace':
      return createWorkspace(environment, handle, generation);
    case 'clone-repository':
      return cloneRepository(environment, handle, generation);
    case 'run-agent-turn':
      return runAgentTurn(environment, handle, effect, generation);
    case 'push-branch':
      return pushBranch(environment, handle, generation);
    case 'open-pull-request':
      return openPullRequest(environment, handle, generation);
    case 'update-pull-request':
      return updatePullRequest(environment, handle);
    case 'watch-ci':
      return watchCi(environment, handle, effect, generation);
    case 'cancel-in-flight': {
      handle.generation++;
      const inFlight = [...handle.inFlight];
      handle.inFlight.clear();
      await Promise.all(inFlight.map((item) => item.cancel()));
      return;
    }
    case 'arm-timer': {
      const cancel = environment.clock.setTimer(effect.delayMs, () => {
        handle.timers.delete(cancel);
        void environment.emit(handle, { type: 'phase-timed-out', phase: effect.phase, epoch: effect.epoch, timeoutMs: effect.timeoutMs });
      });
      handle.timers.add(cancel);
      return;
    }
    case 'schedule-retry': {
      const cancel = environment.clock.setTimer(effect.delayMs, () => {
        handle.timers.delete(cancel);
        void environment.emit(handle, { type: 'retry-due', turn: effect.turn, retry: effect.retry });
      });
      handle.timers.add(cancel);
      return;
    }
    case 'remove-workspace':
      return removeWorkspace(environment, handle);
  }
};
