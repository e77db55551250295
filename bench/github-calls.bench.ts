// npm run bench:github-calls — GitHub API requests for one task that needs two CI attempts (red,
// then green), once with webhooks waking the CI watcher and once by polling alone, against the
// GitHub simulator. Time is scaled down 100×: CI takes 4 s here (≈ 7 minutes on GitHub), polling
// starts at 50 ms (5 s) and backs off to 600 ms (60 s); with webhooks it is a 6 s (10 min) safety net, as
// the App's default is. Wake-ups wait 10 ms (1 s) for the other webhooks of the same moment.
// Prints `key=value` lines; nothing is asserted.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGitHubApp } from '@ampo/adapter-github';
import type { CiUpdate, GitRemote } from '@ampo/core';
import { createGitHubSimulator } from '@ampo/testkit';
import { lastValueFrom, toArray } from 'rxjs';

const ciDurationMs = 4_000;
const run = promisify(execFile);
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const git = (args: string[], cwd: string, remote?: GitRemote) =>
  run('git', args, {
    cwd,
    env: {
      ...process.env,
      ...remote?.env,
      GIT_AUTHOR_NAME: 'agent',
      GIT_AUTHOR_EMAIL: 'agent@example.invalid',
      GIT_COMMITTER_NAME: 'agent',
      GIT_COMMITTER_EMAIL: 'agent@example.invalid',
    },
  });

const measure = async (mode: 'webhooks' | 'polling') => {
  const secret = 'bench-secret';
  const sim = await createGitHubSimulator({
    publicKey,
    webhookSecret: secret,
    ci: (push) => {
      if (push.branch === 'main') return [{ name: 'test', conclusion: 'success' }];
      const green = push.sha === attemptShas[1];
      const checks = [
        { name: 'lint', conclusion: 'success' as const },
        green
          ? { name: 'test', conclusion: 'success' as const }
          : {
              name: 'test',
              conclusion: 'failure' as const,
              log: 'npm test\n FAIL  src/sum.test.ts > adds\nAssertionError: expected 1 to be 2\n ❯ src/sum.test.ts:3:14\n##[error]Process completed with exit code 1.',
            },
      ];
      setTimeout(() => sim.completeCi('acme/widgets', push.sha), ciDurationMs);
      return { checks, hold: true };
    },
  });
  const attemptShas: string[] = [];
  const app = createGitHubApp({
    appId: sim.appId,
    privateKey,
    baseUrl: sim.url,
    ...(mode === 'webhooks' ? { webhookSecret: secret } : {}),
    polling:
      mode === 'webhooks'
        ? { initialDelayMs: 6_000, maxDelayMs: 6_000, wakeDelayMs: 10 }
        : { initialDelayMs: 50, maxDelayMs: 600, wakeDelayMs: 10 },
  });
  const receiver = createServer((request, response) => void app.webhooks.handle(request, response));
  if (mode === 'webhooks') {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    sim.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`);
  }
  sim.createRepo('acme/widgets', { files: { 'src/sum.ts': 'export const sum = (a: number, b: number) => a - b;\n' } });
  await sim.flushWebhooks();
  sim.resetCounts();
  const work = mkdtempSync(join(tmpdir(), 'ampo-bench-github-'));
  try {
    const clone = await app.source.cloneRemote('acme/widgets');
    await git(['clone', '-q', clone.url, 'repo'], work, clone);
    const repo = join(work, 'repo');
    await git(['checkout', '-q', '-b', 'ampo/task-1'], repo);
    const history: string[] = [];
    let pull: { number: number } | undefined;
    for (const attempt of [1, 2]) {
      writeFileSync(join(repo, 'src/sum.ts'), `export const sum = (a: number, b: number) => a + b; // attempt ${attempt}\n`);
      await git(['commit', '-q', '-am', `Attempt ${attempt}`], repo);
      const sha = (await git(['rev-parse', 'HEAD'], repo)).stdout.trim();
      attemptShas.push(sha);
      const push = await app.source.pushRemote('acme/widgets', 'ampo/task-1');
      await git(['push', '-q', push.url, 'HEAD:refs/heads/ampo/task-1'], repo, push);
      const body = () => `Fix sum.\n\n${history.join('\n')}`;
      if (!pull)
        pull = await app.source.openPullRequest({
          repo: 'acme/widgets',
          taskId: 'task-1',
          base: 'main',
          head: 'ampo/task-1',
          title: 'Fix sum',
          body: body(),
        });
      const updates: CiUpdate[] = await lastValueFrom(
        app.ci.watch({ taskId: 'task-1', repo: 'acme/widgets', sha, branch: 'ampo/task-1', baseBranch: 'main' }).pipe(toArray()),
      );
      const result = updates.find((update) => update.type === 'result');
      history.push(`Attempt ${attempt}: ${result?.type === 'result' ? result.result.conclusion : 'none'}`);
      await app.source.updatePullRequest({ repo: 'acme/widgets', number: pull.number, body: body() });
    }
    await app.source.comment('acme/widgets', pull?.number ?? 0, 'CI is green after 2 attempts.');
    await sim.flushWebhooks();
    return { ...sim.counts, history };
  } finally {
    rmSync(work, { recursive: true, force: true });
    receiver.closeAllConnections();
    receiver.close();
    await sim.close();
  }
};

for (const mode of ['webhooks', 'polling'] as const) {
  const counts = await measure(mode);
  console.log(`github.requests.${mode}=${counts.total}`);
  console.log(`github.requests.${mode}.rate_limited=${counts.rateLimited}`);
  // App-JWT requests (the installation lookup, minting a token) count against the App's own limit,
  // not the installation's 5,000 an hour, which caps how many tasks one installation can run.
  const jwt = ['GET /repos/{owner}/{repo}/installation', 'POST /app/installations/{installation_id}/access_tokens'];
  const installationLimited = counts.rateLimited - jwt.reduce((sum, operation) => sum + (counts.byOperation[operation] ?? 0), 0);
  console.log(`github.requests.${mode}.installation_limited=${installationLimited}`);
  console.log(`github.requests.${mode}.rate_limited_per_ci_attempt=${(counts.rateLimited / counts.history.length).toFixed(1)}`);
  console.log(`github.requests.${mode}.not_modified=${counts.notModified}`);
  console.log(`github.git_requests.${mode}=${counts.git}`);
  console.log(`github.attempts.${mode}=${counts.history.join('; ')}`);
  if (process.env.AMPO_BENCH_BY_OPERATION) console.log(JSON.stringify(counts.byOperation, null, 1));
}
