import { z } from 'zod';
import { CheckStatus, CiAttempt, CiFailure, CiRerun } from './ci.js';
import { TurnReason } from './events.js';
import { AgentUsage, CreateTask, PullRequestRef, TaskStatus } from './task.js';

/** The agent turn that is running or about to run. */
export const AgentTurn = z.object({
  turn: z.number().int().positive(),
  reason: TurnReason,
  prompt: z.string(),
  /** Whether the agent process actually started (a start failure is not charged). */
  started: z.boolean(),
  executionId: z.string().optional(),
  startRetries: z.number().int().nonnegative(),
});
export type AgentTurn = z.infer<typeof AgentTurn>;

export const TaskFailure = z.object({
  /** An AmpoError code, or a loop verdict (`ci-exhausted`, `not-converging`, `budget-exceeded`, …). */
  code: z.string(),
  reason: z.string(),
});
export type TaskFailure = z.infer<typeof TaskFailure>;

/**
 * A task as it stands: the fold of its events through `transition`. This is what the store keeps
 * as the snapshot, what the API returns, and what a restart resumes from.
 */
export const Task = z.object({
  id: z.string(),
  status: TaskStatus,
  request: CreateTask,
  /** The caller's key that made creating this task idempotent. */
  idempotencyKey: z.string().optional(),
  /** The branch ampo pushes: `ampo/<id>-<slug>`. */
  branch: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** The seq of the last event folded in. */
  lastSeq: z.number().int().nonnegative(),
  /** Bumped on every status change; stale timers carry an older epoch and are ignored. */
  epoch: z.number().int().nonnegative(),
  phaseEnteredAt: z.number(),
  workspaceId: z.string().optional(),
  workspaceRemoved: z.boolean(),
  baseSha: z.string().optional(),
  /** The last commit pushed to `branch`. */
  headSha: z.string().optional(),
  pullRequest: PullRequestRef.optional(),
  agentSessionId: z.string().optional(),
  currentTurn: AgentTurn.optional(),
  turnsStarted: z.number().int().nonnegative(),
  /** Charged CI attempts, oldest first. */
  attempts: z.array(CiAttempt),
  /** The commit CI is being watched for, and since when. */
  ciWatch: z
    .object({
      sha: z.string(),
      attempt: z.number().int().positive(),
      since: z.number(),
      /** The re-run of failed checks being followed, if any. */
      rerun: CiRerun.optional(),
      /** Whether CI was asked for that re-run (`ci-run-started` recorded it): a restart does not ask again. */
      rerunRequested: z.boolean().optional(),
      /** The failures a flaky re-run was asked for (at most one per attempt). */
      flakyCandidates: z.array(CiFailure).optional(),
      /** Re-runs asked for because CI failed on infrastructure, in this attempt. */
      infraReruns: z.number().int().nonnegative().optional(),
    })
    .optional(),
  checks: z.array(CheckStatus),
  /** Why the task waits on something other than CI finishing (e.g. a workflow needs approval). */
  waitingReason: z.string().optional(),
  /** Messages from people not yet delivered to the agent. */
  pendingMessages: z.array(z.string()),
  usage: AgentUsage,
  failure: TaskFailure.optional(),
});
export type Task = z.infer<typeof Task>;
