import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createDockerRuntime } from '@ampo/adapter-docker';
import { describeCiProvider } from '@ampo/core/conformance';
import { createBareRepository, prepareDocker, sampleProject } from '@ampo/testkit';
import { afterAll, beforeAll } from 'vitest';
import { createGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { createLocalCi } from './local-ci-provider.js';
import { createLocalSourceHost } from './local-source-host.js';

let image = '';
let git: GitHttpServer;
// A service a flaky check depends on: it fails the first request of each path and answers the rest.
const seen = new Set<string>();
const flakyService = createServer((request, response) => {
  const first = !seen.has(request.url ?? '');
  seen.add(request.url ?? '');
  response.writeHead(first ? 503 : 200).end();
});
beforeAll(async () => {
  image = await prepareDocker();
  git = await createGitHttpServer();
  await new Promise<void>((resolve) => flakyService.listen(0, '127.0.0.1', resolve));
}, 900_000);
afterAll(() => {
  flakyService.close();
  return git?.close();
});

describeCiProvider({
  name: 'local checks in Docker containers',
  timeoutMs: 90_000,
  create: async () => {
    const repository = createBareRepository(sampleProject);
    const runtime = createDockerRuntime({ image, network: 'host', labels: { 'ampo.test-run': randomUUID() } });
    const source = createLocalSourceHost({ git, reviewsFile: join(repository.root, 'reviews.json') });
    let started = 0;
    const counted = {
      ...runtime,
      create: (spec: Parameters<typeof runtime.create>[0]) => {
        started++;
        return runtime.create(spec);
      },
    };
    return {
      provider: createLocalCi({ runtime: counted, source }),
      activity: () => started,
      settle: () => new Promise((resolve) => setTimeout(resolve, 1500)),
      async commit(outcome) {
        const taskId = `t-${randomUUID().slice(0, 8)}`;
        if (outcome === 'pass')
          return { target: { taskId, repo: repository.bare, sha: repository.base, branch: 'main', baseBranch: 'main' } };
        if (outcome === 'fail') {
          const sha = repository.commit({ 'src/sum.js': 'export const sum = (a, b) => a - b;\n' }, 'break sum', `b-${taskId}`);
          return {
            target: { taskId, repo: repository.bare, sha, branch: `b-${taskId}`, baseBranch: 'main' },
            failingCheck: 'test',
            changedFile: 'src/sum.js',
          };
        }
        if (outcome === 'flaky') {
          const { port } = flakyService.address() as AddressInfo;
          const command = `node -e "fetch('http://127.0.0.1:${port}/${taskId}').then((r) => process.exit(r.ok ? 0 : 1))"`;
          return {
            target: {
              taskId,
              repo: repository.bare,
              sha: repository.base,
              branch: 'main',
              baseBranch: 'main',
              checks: [{ name: 'test', command }],
            },
            failingCheck: 'test',
          };
        }
        return {
          target: {
            taskId,
            repo: repository.bare,
            sha: repository.base,
            branch: 'main',
            baseBranch: 'main',
            checks: [{ name: 'slow', command: 'sleep 600' }],
          },
        };
      },
    };
  },
});
