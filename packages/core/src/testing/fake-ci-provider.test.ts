import { describeCiProvider } from './describe-ci-provider.js';
import { createFakeCiProvider, type FakeCiVerdict } from './fake-ci-provider.js';

describeCiProvider({
  name: 'in-memory fake',
  create: async () => {
    const verdicts = new Map<string, FakeCiVerdict>();
    const provider = createFakeCiProvider((target) => verdicts.get(target.sha) ?? 'pending');
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
              ? {
                  conclusion: 'failure',
                  failures: [{ check: 'unit', kind: 'test', message: 'expected 1 to be 2' }],
                  checks: [{ name: 'unit', state: 'completed', conclusion: 'failure' }],
                }
              : 'pending',
        );
        return {
          target: { taskId: 't', repo: 'fake://repo', sha, branch: 'b', baseBranch: 'main' },
          ...(outcome === 'fail' ? { failingCheck: 'unit' } : {}),
        };
      },
    };
  },
});
