import { type CiFailure, type CiRerun, isGreen } from '../domain/ci.js';
import type { EventOf, OrchestratorEvent, TurnReason } from '../domain/events.js';
import { type AgentUsage, isTerminalStatus, PhaseTimeouts, type TaskStatus, type TimedPhase } from '../domain/task.js';
import type { Task, TaskFailure } from '../domain/task-state.js';
import { failureSignature } from '../feedback/failure-signature.js';
import { formatFeedback } from '../feedback/format-feedback.js';
import { failedOnInfraOnly, flakyRerun, infraRerun } from './ci-reruns.js';
import type { Effect } from './effects.js';
import { defaultRetryPolicy, type RetryPolicy, retryDelay } from './retry-policy.js';

export interface MachineOptions {
  /** Retries of an agent turn that failed to start (not charged as CI attempts). */
  agentStartRetry: RetryPolicy;
  /** Cap of the CI feedback prompt. @default 4096 */
  feedbackMaxBytes: number;
  /** How long to wait before looking again at a run that needs a person's approval. @default 30000 */
  actionRequiredPollMs: number;
  /**
   * How often the failed checks of one commit are run again when CI fails on infrastructure only
   * (never charged); past that the task fails with `ci-infra`. @default 2
   */
  maxInfraReruns: number;
}

export const defaultMachineOptions: MachineOptions = {
  agentStartRetry: defaultRetryPolicy,
  feedbackMaxBytes: 4096,
  actionRequiredPollMs: 30_000,
  maxInfraReruns: 2,
};

export type TransitionResult = readonly [Task, Effect[]];

const defaultTimeouts = PhaseTimeouts.parse({});
const timedPhases: ReadonlySet<string> = new Set(Object.keys(defaultTimeouts));
export const isTimedPhase = (status: TaskStatus): status is TimedPhase => timedPhases.has(status);

export const phaseTimeout = (task: Task, phase: TimedPhase): number => task.request.timeouts?.[phase] ?? defaultTimeouts[phase];

const emptyUsage: AgentUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, turns: 0 };

const addUsage = (total: AgentUsage, turn: Partial<AgentUsage> | undefined): AgentUsage => ({
  inputTokens: total.inputTokens + (turn?.inputTokens ?? 0),
  outputTokens: total.outputTokens + (turn?.outputTokens ?? 0),
  cacheReadTokens: total.cacheReadTokens + (turn?.cacheReadTokens ?? 0),
  cacheWriteTokens: total.cacheWriteTokens + (turn?.cacheWriteTokens ?? 0),
  turns: total.turns + (turn?.turns ?? 1),
  ...(total.costUsd !== undefined || turn?.costUsd !== undefined ? { costUsd: (total.costUsd ?? 0) + (turn?.costUsd ?? 0) } : {}),
  ...(total.durationMs !== undefined || turn?.durationMs !== undefined
    ? { durationMs: (total.durationMs ?? 0) + (turn?.durationMs ?? 0) }
    : {}),
});

/** Moves to `status`, bumping the epoch and arming the phase's timer when it has one. */
const enter = (task: Task, status: TaskStatus, at: number, effects: Effect[]): Task => {
  if (task.status === status) return task;
  const next: Task = { ...task, status, epoch: task.epoch + 1, phaseEnteredAt: at };
  if (isTimedPhase(status)) {
    const timeoutMs = phaseTimeout(next, status);
    effects.push({ type: 'arm-timer', phase: status, epoch: next.epoch, delayMs: timeoutMs, timeoutMs });
  }
  return next;
};

/** Ends the task: stops what runs, removes the workspace, frees the slot. */
const finish = (task: Task, status: 'succeeded' | 'failed' | 'cancelled', at: number, failure?: TaskFailure): TransitionResult => {
  const effects: Effect[] = [];
  const hadSlot = task.status !== 'queued';
  if (status !== 'succeeded') effects.push({ type: 'cancel-in-flight' });
  if (status === 'succeeded' && task.pullRequest) effects.push({ type: 'update-pull-request' });
  if (task.workspaceId && !task.workspaceRemoved) effects.push({ type: 'remove-workspace' });
  if (hadSlot) effects.push({ type: 'release-slot' });
  const next = enter({ ...task, failure, waitingReason: undefined, currentTurn: undefined, ciWatch: undefined }, status, at, effects);
  return [next, effects];
};

const fail = (task: Task, at: number, code: string, reason: string) => finish(task, 'failed', at, { code, reason });

/** Starts a new agent turn, unless the budget forbids another. */
const startTurn = (task: Task, at: number, reason: TurnReason, prompt: string, status: TaskStatus): TransitionResult => {
  const maxTurns = task.request.budget?.maxAgentTurns;
  if (maxTurns !== undefined && task.turnsStarted >= maxTurns) {
    return fail(task, at, 'budget-exceeded', `The task used its budget of ${maxTurns} agent turn${maxTurns === 1 ? '' : 's'}.`);
  }
  const effects: Effect[] = [];
  const turn = task.turnsStarted + 1;
  const next = enter(
    {
      ...task,
      turnsStarted: turn,
      currentTurn: { turn, reason, prompt, started: false, startRetries: 0 },
      waitingReason: undefined,
    },
    status,
    at,
    effects,
  );
  effects.push({ type: 'run-agent-turn', turn, reason, prompt, ...(task.agentSessionId ? { sessionId: task.agentSessionId } : {}) });
  return [next, effects];
};

const watchCi = (task: Task, at: number, sha: string): TransitionResult => {
  const effects: Effect[] = [];
  const attempt = task.attempts.length + 1;
  const next = enter({ ...task, ciWatch: { sha, attempt, since: at }, checks: [] }, 'ci-waiting', at, effects);
  effects.push({ type: 'watch-ci', sha, attempt });
  return [next, effects];
};

/** Asks CI to run failed checks of the watched commit again, in the same (uncharged) attempt. */
const rerunCi = (
  task: Task,
  rerun: CiRerun,
  patch: Partial<Pick<NonNullable<Task['ciWatch']>, 'flakyCandidates' | 'infraReruns'>>,
): TransitionResult => {
  const watch = task.ciWatch;
  if (!watch) return [task, []];
  const next: Task = { ...task, ciWatch: { ...watch, ...patch, rerun, rerunRequested: false }, waitingReason: undefined };
  return [next, [{ type: 'watch-ci', sha: watch.sha, attempt: watch.attempt, rerun }]];
};

const summariseFailure = (failures: readonly CiFailure[], conclusion: string): string => {
  const first = failures[0];
  if (!first) return `CI concluded ${conclusion} without details.`;
  const where = first.file ? ` at ${first.file}${first.line ? `:${first.line}` : ''}` : '';
  const what = first.test ? ` test "${first.test}"` : '';
  const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : '';
  return `check "${first.check}"${what}${where}: ${first.message || conclusion}${more}`.slice(0, 500);
};

const budgetExceeded = (task: Task): string | undefined => {
  const maxCost = task.request.budget?.maxCostUsd;
  if (maxCost !== undefined && (task.usage.costUsd ?? 0) > maxCost) {
    return `The agent spent $${(task.usage.costUsd ?? 0).toFixed(2)}, over the task's budget of $${maxCost.toFixed(2)}.`;
  }
  return undefined;
};

const onCiRunEnd = (task: Task, event: EventOf<'ci-run-end'>, options: MachineOptions): TransitionResult => {
  if (task.status !== 'ci-waiting' || task.ciWatch?.sha !== event.sha) return [task, []];
  const at = event.at;
  const withChecks = { ...task, checks: event.checks };

  if (event.conclusion === 'action_required') {
    // Not green and not the agent's fault: surface it and look again later. The ci-waiting timer,
    // armed once on entry, bounds how long this can last.
    const waitingReason = 'CI needs a person: a workflow run is waiting for approval (action_required).';
    return [
      { ...withChecks, waitingReason },
      [{ type: 'watch-ci', sha: event.sha, attempt: task.ciWatch.attempt, delayMs: options.actionRequiredPollMs }],
    ];
  }

  const watch = task.ciWatch;
  const red = !isGreen(event.conclusion);
  // Failures of the machine are never the agent's: run the failed checks again, a few times at most.
  if (red && event.baseFailures.length === 0 && failedOnInfraOnly(event.conclusion, event.failures)) {
    const reruns = watch.infraReruns ?? 0;
    if (reruns >= options.maxInfraReruns) {
      return fail(
        withChecks,
        at,
        'ci-infra',
        `CI failed on infrastructure, not on the code, ${reruns + 1} time${reruns === 0 ? '' : 's'} in a row on ${event.sha.slice(0, 12)}: ${summariseFailure(event.failures, event.conclusion)}`,
      );
    }
    const redChecks = event.checks.filter((check) => check.conclusion && !isGreen(check.conclusion)).map((check) => check.name);
    return rerunCi(withChecks, infraRerun(event.failures, redChecks), { infraReruns: reruns + 1 });
  }
  const infraFailures = event.failures.filter((failure) => failure.kind === 'infra');
  const chargedFailures = event.failures.filter((failure) => failure.kind !== 'infra');
  // A test that failed in code the agent did not touch gets one more run before it is charged.
  const flaky = red && !watch.flakyCandidates ? flakyRerun(chargedFailures, event.changedFiles) : undefined;
  if (flaky) return rerunCi(withChecks, flaky, { flakyCandidates: chargedFailures });
  const onlyBaseFailures = red && chargedFailures.length === 0 && event.baseFailures.length > 0;
  const green = !red || onlyBaseFailures;
  const passedOnRerun = green && watch.rerun?.reason === 'flaky' ? watch.flakyCandidates : undefined;
  const signature = green ? undefined : failureSignature(event.conclusion, chargedFailures);
  const attempt = {
    attempt: watch.attempt,
    sha: event.sha,
    conclusion: event.conclusion,
    failures: [...chargedFailures, ...infraFailures],
    ...(signature ? { signature } : {}),
    ...(passedOnRerun ? { flaky: passedOnRerun } : {}),
    startedAt: watch.since,
    endedAt: at,
  };
  const next: Task = { ...withChecks, attempts: [...task.attempts, attempt], ciWatch: undefined, waitingReason: undefined };

  if (green) {
    if (next.pendingMessages.length > 0) {
      const prompt = next.pendingMessages.join('\n\n');
      return startTurn({ ...next, pendingMessages: [] }, at, 'message', prompt, 'feedback');
    }
    return finish(next, 'succeeded', at);
  }

  const previous = task.attempts.at(-1);
  if (previous?.signature !== undefined && previous.signature === signature) {
    return fail(
      next,
      at,
      'not-converging',
      `CI failed the same way on two attempts in a row, so the agent is not converging: ${summariseFailure(chargedFailures, event.conclusion)}`,
    );
  }
  if (attempt.attempt >= task.request.maxCiAttempts) {
    return fail(
      next,
      at,
      'ci-exhausted',
      `CI still fails after ${attempt.attempt} attempt${attempt.attempt === 1 ? '' : 's'} (the limit). Last failure: ${summariseFailure(chargedFailures, event.conclusion)}`,
    );
  }
  const prompt = formatFeedback(chargedFailures, {
    attempt: attempt.attempt,
    maxAttempts: task.request.maxCiAttempts,
    conclusion: event.conclusion,
    sha: event.sha,
    messages: next.pendingMessages,
    maxBytes: options.feedbackMaxBytes,
  });
  const withDigest: Task = { ...next, attempts: [...task.attempts, { ...attempt, digest: prompt }] };
  return startTurn({ ...withDigest, pendingMessages: [] }, at, 'ci-feedback', prompt, 'feedback');
};

const onAgentTurnEnded = (task: Task, event: EventOf<'agent-turn-ended'>, options: MachineOptions): TransitionResult => {
  const turn = task.currentTurn;
  if (!turn || turn.turn !== event.turn || (task.status !== 'agent-running' && task.status !== 'feedback')) return [task, []];
  const at = event.at;

  if (event.outcome === 'start-failed') {
    const retries = turn.startRetries + 1;
    const delayMs = retryDelay(options.agentStartRetry, retries);
    if (delayMs === undefined) {
      return fail(task, at, 'agent-error', `The agent could not start after ${retries} tries: ${event.reason ?? 'no reason given'}`);
    }
    const next: Task = { ...task, currentTurn: { ...turn, started: false, startRetries: retries } };
    return [next, [{ type: 'schedule-retry', turn: turn.turn, retry: retries, delayMs }]];
  }

  const next: Task = { ...task, usage: addUsage(task.usage, event.usage) };
  if (event.outcome === 'failed') {
    return fail(next, at, 'agent-error', `The agent's turn ${event.turn} failed: ${event.reason ?? 'no reason given'}`);
  }
  const overBudget = budgetExceeded(next);
  if (overBudget) return fail(next, at, 'budget-exceeded', overBudget);
  const effects: Effect[] = [];
  const pushing = enter({ ...next, currentTurn: { ...turn, started: true } }, 'pushing', at, effects);
  effects.push({ type: 'push-branch' });
  return [pushing, effects];
};

const onBranchPushed = (task: Task, event: EventOf<'branch-pushed'>): TransitionResult => {
  if (task.status !== 'pushing') return [task, []];
  const at = event.at;
  if (!event.changed) {
    const reason = task.currentTurn?.reason;
    if (!task.headSha) {
      return fail(
        task,
        at,
        'no-changes',
        'The agent finished without changing any file, so there is nothing to push. Make the prompt more specific.',
      );
    }
    if (reason === 'ci-feedback') {
      return fail(
        task,
        at,
        'not-converging',
        'The agent made no change in answer to the CI feedback, so CI would fail the same way again.',
      );
    }
    // A person's message that needed no code change: CI on the current head still stands.
    return watchCi(task, at, task.headSha);
  }
  const next: Task = { ...task, headSha: event.sha };
  if (!next.pullRequest) return [next, [{ type: 'open-pull-request' }]];
  const [watching, effects] = watchCi(next, at, event.sha);
  return [watching, [{ type: 'update-pull-request' }, ...effects]];
};

const onMessage = (task: Task, event: EventOf<'message-received'>): TransitionResult => {
  if (task.status === 'ci-waiting' && task.headSha) {
    // Pause CI watching to let the agent act on the message now; the next push is watched anew.
    const [next, effects] = startTurn({ ...task, ciWatch: undefined }, event.at, 'message', event.text, 'feedback');
    return [next, [{ type: 'cancel-in-flight' }, ...effects]];
  }
  return [{ ...task, pendingMessages: [...task.pendingMessages, event.text] }, []];
};

/** The state of a task right after `task-created`. */
export const initialTask = (event: EventOf<'task-created'>): Task => ({
  id: event.taskId,
  status: 'queued',
  request: event.request,
  ...(event.idempotencyKey ? { idempotencyKey: event.idempotencyKey } : {}),
  branch: event.branch,
  createdAt: event.at,
  updatedAt: event.at,
  lastSeq: event.seq,
  epoch: 0,
  phaseEnteredAt: event.at,
  workspaceRemoved: false,
  turnsStarted: 0,
  attempts: [],
  checks: [],
  pendingMessages: [],
  usage: emptyUsage,
});

const step = (task: Task, event: OrchestratorEvent, options: MachineOptions): TransitionResult => {
  const at = event.at;
  if (isTerminalStatus(task.status)) {
    return event.type === 'workspace-removed' ? [{ ...task, workspaceRemoved: true }, []] : [task, []];
  }
  switch (event.type) {
    case 'task-created':
    case 'task-status-changed':
    case 'agent-output':
      return [task, []];
    case 'task-started': {
      if (task.status !== 'queued') return [task, []];
      const effects: Effect[] = [];
      const next = enter(task, 'provisioning', at, effects);
      effects.push({ type: 'create-workspace' });
      return [next, effects];
    }
    case 'workspace-created': {
      if (task.status !== 'provisioning') return [task, []];
      const effects: Effect[] = [];
      const next = enter({ ...task, workspaceId: event.workspaceId, workspaceRemoved: false }, 'cloning', at, effects);
      effects.push({ type: 'clone-repository' });
      return [next, effects];
    }
    case 'repo-cloned':
      if (task.status !== 'cloning') return [task, []];
      return startTurn({ ...task, baseSha: event.baseSha }, at, 'initial', task.request.prompt, 'agent-running');
    case 'agent-turn-started': {
      const turn = task.currentTurn;
      const waitingForIt = task.status === 'agent-running' || task.status === 'feedback';
      if (!turn || turn.turn !== event.turn || !waitingForIt) return [task, []];
      const effects: Effect[] = [];
      const started = { ...task, currentTurn: { ...turn, started: true, executionId: event.executionId } };
      return [enter(started, 'agent-running', at, effects), effects];
    }
    case 'agent-session-started':
      return [{ ...task, agentSessionId: event.sessionId }, []];
    case 'agent-turn-ended':
      return onAgentTurnEnded(task, event, options);
    case 'retry-due': {
      const turn = task.currentTurn;
      if (!turn || turn.turn !== event.turn || turn.startRetries !== event.retry || turn.started) return [task, []];
      return [
        task,
        [
          {
            type: 'run-agent-turn',
            turn: turn.turn,
            reason: turn.reason,
            prompt: turn.prompt,
            ...(task.agentSessionId ? { sessionId: task.agentSessionId } : {}),
          },
        ],
      ];
    }
    case 'branch-pushed':
      return onBranchPushed(task, event);
    case 'pull-request-opened': {
      const next = { ...task, pullRequest: event.pullRequest };
      if (task.status !== 'pushing' || !task.headSha) return [next, []];
      return watchCi(next, at, task.headSha);
    }
    case 'ci-run-started':
      return event.rerun && task.ciWatch?.sha === event.sha && task.ciWatch.rerun
        ? [{ ...task, ciWatch: { ...task.ciWatch, rerunRequested: true } }, []]
        : [task, []];
    case 'ci-status-changed':
      return task.ciWatch?.sha === event.sha ? [{ ...task, checks: event.checks }, []] : [task, []];
    case 'ci-run-end':
      return onCiRunEnd(task, event, options);
    case 'message-received':
      return onMessage(task, event);
    case 'phase-timed-out': {
      if (event.phase === 'task') {
        return fail(task, at, 'timeout', `The task ran longer than its budget of ${Math.round(event.timeoutMs / 1000)} s.`);
      }
      if (event.epoch !== task.epoch || event.phase !== task.status) return [task, []];
      const extra = task.waitingReason ? ` ${task.waitingReason}` : '';
      return fail(
        task,
        at,
        'timeout',
        `The ${event.phase} phase took longer than its timeout of ${Math.round(event.timeoutMs / 1000)} s.${extra}`,
      );
    }
    case 'task-cancel-requested':
      return finish(task, 'cancelled', at, { code: 'cancelled', reason: event.reason ?? 'Cancelled by a person.' });
    case 'task-error':
      return fail(task, at, event.code, event.message);
    case 'workspace-removed':
      return [{ ...task, workspaceRemoved: true }, []];
  }
};

/**
 * The whole task lifecycle as a pure function: the next state and the effects to run. Unknown or
 * stale events (a timer of an earlier phase, a result of a cancelled turn) leave the state as is;
 * terminal states absorb everything.
 */
export const transition = (
  task: Task | undefined,
  event: OrchestratorEvent,
  options: MachineOptions = defaultMachineOptions,
): TransitionResult => {
  if (!task) {
    if (event.type !== 'task-created') throw new Error(`The first event of a task must be task-created, not ${event.type}`);
    const created = initialTask(event);
    const effects: Effect[] = [{ type: 'request-slot' }];
    const maxDurationMs = created.request.budget?.maxDurationMs;
    if (maxDurationMs) effects.push({ type: 'arm-timer', phase: 'task', epoch: 0, delayMs: maxDurationMs, timeoutMs: maxDurationMs });
    return [created, effects];
  }
  const [next, effects] = step(task, event, options);
  return [{ ...next, lastSeq: event.seq, updatedAt: event.at }, effects];
};

/** Folds a task's events into its state. */
export const replay = (events: readonly OrchestratorEvent[], options?: MachineOptions): Task | undefined =>
  events.reduce<Task | undefined>((task, event) => transition(task, event, options)[0], undefined);
