import { z } from 'zod';
import { AgentEvent, AgentTurnOutcome } from './agent.js';
import { CheckStatus, CiConclusion, CiFailure, CiRerun } from './ci.js';
import { AgentUsagePatch, CreateTask, PullRequestRef, TaskStatus, TimedPhase } from './task.js';

const base = {
  taskId: z.string(),
  /** Per-task sequence number, contiguous from 1. */
  seq: z.number().int().positive(),
  /** Epoch milliseconds from the orchestrator's clock. */
  at: z.number(),
};

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), ...base, ...shape });

export const TurnReason = z.enum(['initial', 'ci-feedback', 'message', 'retry', 'resume']);
export type TurnReason = z.infer<typeof TurnReason>;

/**
 * Every fact the orchestrator records. Events are persisted before they are published, and the
 * task's state is a fold of its events through `transition`.
 */
export const OrchestratorEvent = z.discriminatedUnion('type', [
  event('task-created', {
    request: CreateTask,
    branch: z.string(),
    /** The caller's key that makes creating this task idempotent (an HTTP `Idempotency-Key`). */
    idempotencyKey: z.string().optional(),
  }),
  /** A concurrency slot was granted; work begins. */
  event('task-started', {}),
  event('task-status-changed', { from: TaskStatus, to: TaskStatus, reason: z.string().optional() }),
  event('workspace-created', { workspaceId: z.string() }),
  event('repo-cloned', { baseSha: z.string() }),
  event('agent-turn-started', {
    turn: z.number().int().positive(),
    reason: TurnReason,
    prompt: z.string(),
    executionId: z.string().optional(),
  }),
  event('agent-session-started', { sessionId: z.string() }),
  /** One parsed item of the agent's stream; `line` is the stdout line (1-based) of the turn it came from. */
  event('agent-output', { turn: z.number().int().positive(), line: z.number().int().positive(), output: AgentEvent }),
  event('agent-turn-ended', {
    turn: z.number().int().positive(),
    outcome: AgentTurnOutcome,
    reason: z.string().optional(),
    usage: AgentUsagePatch.optional(),
  }),
  /** The agent's work was committed and pushed; `changed` is false when there was nothing new. */
  event('branch-pushed', { branch: z.string(), sha: z.string(), changed: z.boolean() }),
  event('pull-request-opened', { pullRequest: PullRequestRef }),
  /** CI is followed for `sha`; with `rerun`, after asking CI to run those failed checks again. */
  event('ci-run-started', { attempt: z.number().int().positive(), sha: z.string(), rerun: CiRerun.optional() }),
  event('ci-status-changed', { sha: z.string(), checks: z.array(CheckStatus) }),
  event('ci-run-end', {
    sha: z.string(),
    conclusion: CiConclusion,
    checks: z.array(CheckStatus),
    failures: z.array(CiFailure),
    baseFailures: z.array(CiFailure).default([]),
    /** The files the agent's commits changed (see `CiResult.changedFiles`). */
    changedFiles: z.array(z.string()).optional(),
  }),
  /** A person's message for the agent. */
  event('message-received', { text: z.string(), author: z.string().optional() }),
  event('phase-timed-out', { phase: TimedPhase.or(z.literal('task')), epoch: z.number().int(), timeoutMs: z.number() }),
  /** A delayed retry of an agent turn that failed to start is due. */
  event('retry-due', { turn: z.number().int().positive(), retry: z.number().int().positive() }),
  event('task-cancel-requested', { reason: z.string().optional() }),
  /** An effect failed in a way that no retry can fix. */
  event('task-error', { code: z.string(), message: z.string(), retryable: z.boolean().default(false) }),
  event('workspace-removed', {}),
]);
export type OrchestratorEvent = z.infer<typeof OrchestratorEvent>;
export type OrchestratorEventType = OrchestratorEvent['type'];
/** Narrows the union: `EventOf<'ci-run-end'>`. */
export type EventOf<T extends OrchestratorEventType> = Extract<OrchestratorEvent, { type: T }>;

/** An event before the store assigned it a seq. */
export type UnsequencedEvent = OrchestratorEvent extends infer E ? (E extends OrchestratorEvent ? Omit<E, 'seq'> : never) : never;
