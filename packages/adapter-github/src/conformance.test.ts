import { describeCiProvider, describeSourceHost } from '@ampo/core/testing';
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

describeCiProvider({
  name: 'GitHub App against the simulator',
  async create() {
    const fixture: AppFixture = await startAppFixture({
      sim: {
        ci: (push) =>
          push.branch.includes('pending')
            ? { checks: [{ name: 'test', conclusion: 'success' }], hold: true }
            : push.branch.includes('fail')
              ? [
                  { name: 'lint', conclusion: 'success' },
                  {
                    name: 'test',
                    conclusion: 'failure',
                    log: 'npm test\nFAIL src/sum.test.ts\n##[error]Process completed with exit code 1.',
                  },
                ]
              : [
                  { name: 'lint', conclusion: 'success' },
                  { name: 'test', conclusion: 'success' },
                ],
      },
    });
    fixture.sim.createRepo('acme/widgets');
    let n = 0;
    return {
      provider: fixture.app.ci,
      async commit(outcome) {
        const branch = `ampo/${outcome}-${++n}`;
        const sha = fixture.sim.commit('acme/widgets', branch, { [`file-${n}.txt`]: `${n}\n` });
        return {
          target: { taskId: `task-${n}`, repo: 'acme/widgets', sha, branch, baseBranch: 'main' },
          ...(outcome === 'fail' ? { failingCheck: 'test' } : {}),
        };
      },
      activity: () => fixture.sim.counts.total,
      cleanup: () => fixture.close(),
    };
  },
});
