import type { CiConclusion, CiFailure, CiRerun } from '../domain/ci.js';

/** The files a failure points at: where it arose and where its test is. */
const filesOf = (failure: CiFailure): string[] => [failure.file, failure.testFile].filter((file): file is string => !!file);

/**
 * A re-run that may show the failures are flaky: every failure is a named test whose files the
 * agent's commits did not change. Unknown changed files, a failure without a file, or any failure
 * that is not a test (a build, a lint error) means the agent's work is to blame: no re-run.
 */
export const flakyRerun = (failures: readonly CiFailure[], changedFiles: readonly string[] | undefined): CiRerun | undefined => {
  if (!changedFiles || failures.length === 0) return undefined;
  const changed = new Set(changedFiles);
  const untouched = failures.every(
    (failure) =>
      failure.kind === 'test' && failure.test && filesOf(failure).length > 0 && filesOf(failure).every((file) => !changed.has(file)),
  );
  if (!untouched) return undefined;
  return {
    reason: 'flaky',
    checks: [...new Set(failures.map((failure) => failure.check))],
    tests: [...new Set(failures.flatMap((failure) => (failure.test ? [failure.test] : [])))],
  };
};

// Runs that ended because the machine did (a job past its time limit, a runner that never started).
const infraConclusions: ReadonlySet<CiConclusion> = new Set(['timed_out', 'startup_failure']);

/**
 * Whether a red run failed on infrastructure only: its failures are all `infra`, or it timed out or
 * never started and said nothing the agent could act on. Such a run is not charged to the agent.
 */
export const failedOnInfraOnly = (conclusion: CiConclusion, failures: readonly CiFailure[]): boolean =>
  failures.length > 0 ? failures.every((failure) => failure.kind === 'infra') : infraConclusions.has(conclusion);

/** The checks to run again after an infrastructure failure: those that failed, else every red check. */
export const infraRerun = (failures: readonly CiFailure[], redChecks: readonly string[]): CiRerun => ({
  reason: 'infra',
  checks: [...new Set(failures.length > 0 ? failures.map((failure) => failure.check) : redChecks)],
  tests: [],
});
