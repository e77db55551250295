import { describeCiProvider } from '../conformance/describe-ci-provider.js';
import type { CiTarget } from '../ports/ci-provider.js';
import { createFakeCiProvider, type FakeCiVerdict } from './fake-ci-provider.js';

describeCiProvider({
  name: 'in-memory fake',
  create: async () => {
    const verdicts = new Map<string, FakeCiVerdict | ((target: CiTarget) => FakeCiVerdict)>();
    const provider = createFakeCiProvider((target) => {
      const verdict = verdicts.get(target.sha) ?? 'pending';
      return typeof verdict === 'function' ? verdict(target) : verdict;
    });
    const red: FakeCiVerdict = {
      conclusion: 'failure',
      failures: [{ check: 'unit', kind: 'test', message: 'expected 1 to be 2' }],
      checks: [{ name: 'unit', state: 'completed', conclusion: 'failure' }],
      changedFiles: ['src/sum.js'],
    };
    let commits = 0;
    return {
      provider,
      activity: () => provider.watches.length + provider.active,
      async commit(outcome) {
        const sha = `${++commits}`.padStart(40, '0');
        verdicts.set(
          sha,
          outcome === 'pass'
            ? { conclusion: 'success' }
            : outcome === 'fail'
              ? red
              : outcome === 'flaky'
                ? (target) => (target.rerun?.checks.includes('unit') ? { conclusion: 'success' } : red)
                : 'pending',
        );
        return {
          target: { taskId: 't', repo: 'fake://repo', sha, branch: 'b', baseBranch: 'main' },
          ...(outcome === 'fail' || outcome === 'flaky' ? { failingCheck: 'unit', changedFile: 'src/sum.js' } : {}),
        };
      },
    };
  },
});
