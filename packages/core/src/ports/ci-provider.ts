import type { Observable } from 'rxjs';
import type { CheckStatus, CiResult } from '../domain/ci.js';

export interface CiTarget {
  taskId: string;
  repo: string;
  /** The pushed commit whose checks count. */
  sha: string;
  branch: string;
  baseBranch: string;
  /** The task's own check commands, for providers that run checks themselves. */
  checks?: ReadonlyArray<{ name: string; command: string }>;
  /**
   * Run these checks of `sha`, which failed, again before following CI: GitHub re-runs the failed
   * jobs of their workflow runs (`rerun-failed-jobs`), a provider that runs checks itself runs them
   * again. The result then is that of the new runs; checks not named keep their last result. A
   * provider MUST ask for a re-run at most once per watch, and MUST NOT ask again for checks
   * whose re-run is still running.
   */
  rerun?: { checks: readonly string[] };
}

export type CiUpdate = { type: 'status'; checks: CheckStatus[] } | { type: 'result'; result: CiResult };

/**
 * CI for pushed commits.
 */
export interface CiProvider {
  /**
   * Follows CI for `target.sha`: zero or more `status` updates, then exactly one `result` once
   * every check has completed, then completion. Unsubscribing stops all work (polls, check
   * containers). Watching the same sha again (after a restart) MUST be safe. Failures in the
   * result are capped to what fits a prompt; a conclusion other than success, neutral or skipped
   * is not green. A red result SHOULD name the files the agent's commits changed
   * (`changedFiles`), so that the loop can tell a failing test in code the agent did not touch.
   * Errors the provider could not recover from are delivered as an AmpoError.
   */
  watch(target: CiTarget): Observable<CiUpdate>;
}
