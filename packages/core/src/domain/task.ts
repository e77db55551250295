import { z } from 'zod';

/** Every state a task can be in. See DESIGN.md for the lifecycle. */
export const TaskStatus = z.enum([
  'queued',
  'provisioning',
  'cloning',
  'agent-running',
  'pushing',
  'ci-waiting',
  'feedback',
  'succeeded',
  'failed',
  'cancelled',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const terminalStatuses: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminalStatus = (status: TaskStatus): boolean => terminalStatuses.has(status);

/** The phases that have their own timeout. */
export const TimedPhase = z.enum(['provisioning', 'cloning', 'agent-running', 'pushing', 'ci-waiting']);
export type TimedPhase = z.infer<typeof TimedPhase>;

export const AgentKind = z.enum(['amp', 'claude-code', 'codex']);
export type AgentKind = z.infer<typeof AgentKind>;

const minutes = (n: number) => n * 60_000;

/** Per-phase timeouts in milliseconds. Each applies to one entry into the phase. */
export const PhaseTimeouts = z
  .object({
    provisioning: z.number().int().positive().default(minutes(5)),
    cloning: z.number().int().positive().default(minutes(10)),
    'agent-running': z.number().int().positive().default(minutes(45)),
    pushing: z.number().int().positive().default(minutes(5)),
    'ci-waiting': z.number().int().positive().default(minutes(60)),
  })
  .strict();
export type PhaseTimeouts = z.infer<typeof PhaseTimeouts>;

/** Limits over the whole task, across every agent turn and CI attempt. */
export const TaskBudget = z
  .object({
    maxAgentTurns: z.number().int().positive().optional(),
    maxCostUsd: z.number().positive().optional(),
    maxDurationMs: z.number().int().positive().optional(),
  })
  .strict();
export type TaskBudget = z.infer<typeof TaskBudget>;

const branchName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?!\/|.*\/\/|.*\.\.|.*\.lock$|.*\/$)[A-Za-z0-9._/-]+$/, 'must be a valid git branch name');

/** A request to run an agent on a repository. User input: strict. */
export const CreateTask = z
  .object({
    /** Where the code lives: `owner/name` for a GitHub App source, or any URL/path git can clone. */
    repo: z.string().trim().min(1).max(2048),
    /** What the agent should do. */
    prompt: z.string().trim().min(1).max(100_000),
    /** The branch to start from and to open the pull request against. */
    baseBranch: branchName.default('main'),
    /** Which coding agent runs the task. */
    agent: AgentKind.default('amp'),
    /** How many CI runs on the agent's commits the loop may use, the first included. */
    maxCiAttempts: z.number().int().min(1).max(20).default(3),
    /** Check commands for sources whose CI is run by ampo itself (the local adapter). */
    checks: z
      .array(z.object({ name: z.string().min(1).max(100), command: z.string().min(1).max(4000) }).strict())
      .max(50)
      .optional(),
    title: z.string().trim().min(1).max(200).optional(),
    timeouts: PhaseTimeouts.partial().optional(),
    budget: TaskBudget.optional(),
    /** Free-form labels for filtering; never secrets. */
    labels: z.record(z.string().max(100), z.string().max(500)).optional(),
  })
  .strict();
export type CreateTask = z.infer<typeof CreateTask>;
/** What a caller may pass: defaults not yet applied. */
export type CreateTaskInput = z.input<typeof CreateTask>;

export const PullRequestRef = z.object({
  number: z.number().int().positive(),
  url: z.string(),
});
export type PullRequestRef = z.infer<typeof PullRequestRef>;

export const AgentUsage = z.object({
  inputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative().default(0),
  cacheReadTokens: z.number().int().nonnegative().default(0),
  cacheWriteTokens: z.number().int().nonnegative().default(0),
  costUsd: z.number().nonnegative().optional(),
  turns: z.number().int().nonnegative().default(0),
  durationMs: z.number().nonnegative().optional(),
});
export type AgentUsage = z.infer<typeof AgentUsage>;

/**
 * Usage of one turn or message: only what the agent reported. (Not `AgentUsage.partial()`: in
 * zod 4 that still fills in the defaults, and a missing count would read as zero.)
 */
export const AgentUsagePatch = z.object({
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
  cacheReadTokens: z.number().int().nonnegative().optional(),
  cacheWriteTokens: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
  turns: z.number().int().nonnegative().optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type AgentUsagePatch = z.infer<typeof AgentUsagePatch>;
