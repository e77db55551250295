import { z } from 'zod';

/** How a CI run for one commit ended. Only `success` is green. */
export const CiConclusion = z.enum([
  'success',
  'failure',
  'cancelled',
  'timed_out',
  'action_required',
  'stale',
  'neutral',
  'skipped',
  'startup_failure',
]);
export type CiConclusion = z.infer<typeof CiConclusion>;

export const FailureKind = z.enum(['lint', 'type', 'test', 'build', 'infra', 'unknown']);
export type FailureKind = z.infer<typeof FailureKind>;

/** How much a linter's or type checker's diagnostic weighs; absent for tests and builds. */
export const FailureSeverity = z.enum(['error', 'warning', 'info']);
export type FailureSeverity = z.infer<typeof FailureSeverity>;

/** One precise reason a check failed, small enough to go into a prompt. */
export const CiFailure = z.object({
  check: z.string(),
  job: z.string().optional(),
  step: z.string().optional(),
  kind: FailureKind.default('unknown'),
  /** A diagnostic's severity: errors come first, then warnings; infos only when nothing else is there. */
  severity: FailureSeverity.optional(),
  test: z.string().optional(),
  /** Where the failure arose: the first frame in the repository's code, relative to the repository. */
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  /** The failing test's own location, when it differs from `file`/`line` (the code it tests threw). */
  testFile: z.string().optional(),
  testLine: z.number().int().positive().optional(),
  message: z.string().default(''),
  /** The last relevant lines of the failing log. Untrusted text. */
  logExcerpt: z.string().optional(),
});
export type CiFailure = z.infer<typeof CiFailure>;

export const CheckState = z.enum(['queued', 'in_progress', 'completed']);
export type CheckState = z.infer<typeof CheckState>;

/** One check (a check run, a commit status, a local check command) as last seen. */
export const CheckStatus = z.object({
  name: z.string(),
  state: CheckState,
  conclusion: CiConclusion.optional(),
  url: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type CheckStatus = z.infer<typeof CheckStatus>;

/** The outcome of CI on one pushed commit. */
export const CiResult = z.object({
  sha: z.string(),
  conclusion: CiConclusion,
  checks: z.array(CheckStatus),
  failures: z.array(CiFailure),
  /** Failures that also happen on the base branch: reported, never charged to the agent. */
  baseFailures: z.array(CiFailure).default([]),
  /**
   * The files the commits from the base branch to `sha` changed, as repository paths (the agent's
   * work). Absent when the provider does not know; then no failure counts as outside the agent's work.
   */
  changedFiles: z.array(z.string()).optional(),
});
export type CiResult = z.infer<typeof CiResult>;

/**
 * Why the loop asks CI to run failed checks of the same commit again: a test that failed in code
 * the agent did not touch (`flaky`, once per attempt), or the machine giving out (`infra`).
 */
export const CiRerun = z.object({
  reason: z.enum(['flaky', 'infra']),
  checks: z.array(z.string()),
  /** The failed tests that made the re-run worth it (for `flaky`). */
  tests: z.array(z.string()).default([]),
});
export type CiRerun = z.infer<typeof CiRerun>;

/** One charged CI attempt of a task: a pushed commit and what CI said of it. */
export const CiAttempt = z.object({
  attempt: z.number().int().positive(),
  sha: z.string(),
  conclusion: CiConclusion,
  failures: z.array(CiFailure),
  signature: z.string().optional(),
  /** The feedback prompt this attempt's failures produced for the agent (absent when none was sent). */
  digest: z.string().optional(),
  /** Failures that passed when their checks ran again on the same commit: flaky, never charged. */
  flaky: z.array(CiFailure).optional(),
  startedAt: z.number(),
  endedAt: z.number().optional(),
});
export type CiAttempt = z.infer<typeof CiAttempt>;

/** Only success is green; neutral and skipped count as passing when every other check passed. */
export const isGreen = (conclusion: CiConclusion): boolean =>
  conclusion === 'success' || conclusion === 'neutral' || conclusion === 'skipped';
