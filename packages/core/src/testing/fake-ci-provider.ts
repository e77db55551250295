import { Observable } from 'rxjs';
import type { CheckStatus, CiConclusion, CiFailure, CiResult } from '../domain/ci.js';
import type { CiProvider, CiTarget, CiUpdate } from '../ports/ci-provider.js';

/** What the fake CI says for one watch: a result, or `pending` to never finish. */
export type FakeCiVerdict =
  | 'pending'
  | { conclusion: CiConclusion; failures?: CiFailure[]; baseFailures?: CiFailure[]; checks?: CheckStatus[]; changedFiles?: string[] };

export interface FakeCiProvider extends CiProvider {
  /** Every watch started, in order. */
  readonly watches: readonly CiTarget[];
  /** Watches currently subscribed. */
  readonly active: number;
}

/**
 * A {@link CiProvider} whose verdict for each watch comes from `decide` (given the target, with its
 * `rerun` when the loop asked for one, and the watch number, 1-based). It reports the checks in
 * progress, then the result, asynchronously.
 */
export const createFakeCiProvider = (decide: (target: CiTarget, watch: number) => FakeCiVerdict): FakeCiProvider => {
  const watches: CiTarget[] = [];
  let active = 0;
  return {
    watches,
    get active() {
      return active;
    },
    watch(target) {
      return new Observable<CiUpdate>((subscriber) => {
        watches.push(target);
        const verdict = decide(target, watches.length);
        active++;
        let done = false;
        const running: CheckStatus[] = [{ name: 'ci', state: 'in_progress' }];
        const timer = setTimeout(() => {
          subscriber.next({ type: 'status', checks: running });
          if (verdict === 'pending') return;
          const checks = verdict.checks ?? [{ name: 'ci', state: 'completed', conclusion: verdict.conclusion }];
          const result: CiResult = {
            sha: target.sha,
            conclusion: verdict.conclusion,
            checks,
            failures: verdict.failures ?? [],
            baseFailures: verdict.baseFailures ?? [],
            ...(verdict.changedFiles ? { changedFiles: verdict.changedFiles } : {}),
          };
          subscriber.next({ type: 'result', result });
          done = true;
          active--;
          subscriber.complete();
        }, 0);
        return () => {
          clearTimeout(timer);
          if (!done) active--;
        };
      });
    },
  };
};
