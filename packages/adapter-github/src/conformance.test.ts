import { describeCiProvider, describeSourceHost } from '@ampo/core/conformance';
import { type AppFixture, startAppFixture } from './__fixtures__/github-app-fixture.js';

describeSourceHost({
  name: 'GitHub App against the simulator',
  async create() {
    const fixture = await startAppFixture();
    fixture.sim.createRepo('acme/widgets');
    return {
      host: fixture.app.source,
      repo: 'acme/widgets',
      baseBranch: 'main',
      async pullRequests() {
        return fixture.sim.pullRequests('acme/widgets').map((pull) => ({
          number: pull.number,
          head: pull.head,
          base: pull.base,
          title: pull.title,
          body: pull.body ?? '',
          open: pull.state === 'open',
          comments: fixture.sim.comments('acme/widgets', pull.number).map((comment) => comment.body),
        }));
      },
      cleanup: () => fixture.close(),
    };
  },
});

// A vitest failure as the job log shows it (real output, from core's ci-digest fixtures).
const failingTestLog = [
  'npx vitest run',
  ' FAIL  test/cart.test.ts > total > multiplies price by quantity',
  'AssertionError: expected 2 to be 6 // Object.is equality',
  ' ❯ test/cart.test.ts:10:61',
  '',
  ' Test Files  1 failed (1)',
  '##[error]Process completed with exit code 1.',
].join('\n');

describeCiProvider({
  name: 'GitHub App against the simulator',
  async create() {
    const fixture: AppFixture = await startAppFixture({
      sim: {
        ci: (push) =>
          push.branch.includes('pending')
            ? { checks: [{ name: 'test', conclusion: 'success' }], hold: true }
            : push.branch.includes('fail') || (push.branch.includes('flaky') && (push.attempt ?? 1) === 1)
              ? [
                  { name: 'lint', conclusion: 'success' },
                  { name: 'test', conclusion: 'failure', log: failingTestLog },
                ]
              : [
                  { name: 'lint', conclusion: 'success' },
                  { name: 'test', conclusion: 'success' },
                ],
      },
    });
    // Re-running failed jobs needs `actions: write`.
    fixture.sim.createRepo('acme/widgets', {
      permissions: {
        metadata: 'read',
        contents: 'write',
        pull_requests: 'write',
        issues: 'write',
        checks: 'read',
        statuses: 'read',
        actions: 'write',
      },
    });
    let n = 0;
    return {
      provider: fixture.app.ci,
      async commit(outcome) {
        const branch = `ampo/${outcome}-${++n}`;
        const sha = fixture.sim.commit('acme/widgets', branch, { [`file-${n}.txt`]: `${n}\n` });
        return {
          target: { taskId: `task-${n}`, repo: 'acme/widgets', sha, branch, baseBranch: 'main' },
          ...(outcome === 'fail' || outcome === 'flaky' ? { failingCheck: 'test', changedFile: `file-${n}.txt` } : {}),
        };
      },
      activity: () => fixture.sim.counts.total,
      cleanup: () => fixture.close(),
    };
  },
});
