import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AmpoError, type CiResult, type CiUpdate } from '@ampo/core';
import { createManualClock } from '@ampo/core/testing';
import { sign } from '@octokit/webhooks-methods';
import { filter, firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppFixture, startAppFixture } from './__fixtures__/github-app-fixture.js';
import type { GitHubEvent } from './webhooks.js';

const run = promisify(execFile);
let fixture: AppFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const resultOf = async (updates: ReturnType<AppFixture['app']['ci']['watch']>): Promise<CiResult> => {
  const all = await lastValueFrom(updates.pipe(timeout(20_000), toArray()));
  const result = all.find((update): update is Extract<CiUpdate, { type: 'result' }> => update.type === 'result');
  if (!result) throw new Error('no result');
  return result.result;
};

const target = (sha: string, branch = 'ampo/task') => ({ taskId: 'task-1', repo: 'acme/widgets', sha, branch, baseBranch: 'main' });

// A vitest run as GitHub Actions prints it: colours, a failing assertion, the runner's error line.
const vitestLog = [
  '##[group]Run npm test',
  '\u001b[36mnpm test\u001b[0m',
  '##[endgroup]',
  ' \u001b[32m✓\u001b[39m src/format.test.ts (3 tests) 4ms',
  ' \u001b[31m❯\u001b[39m src/sum.test.ts (2 tests | 1 failed) 6ms',
  '   \u001b[31m×\u001b[39m sum > adds negative numbers 3ms',
  '',
  '⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯',
  '',
  ' FAIL  src/sum.test.ts > sum > adds negative numbers',
  'AssertionError: expected -1 to be -3 // Object.is equality',
  '',
  '- Expected',
  '+ Received',
  '',
  '- -3',
  '+ -1',
  '',
  ' ❯ src/sum.test.ts:9:24',
  '      7|   it("adds negative numbers", () => {',
  '      8|     const total = sum(-1, -2);',
  '      9|     expect(total).toBe(-3);',
  '       |                   ^',
  '',
  ' Test Files  1 failed | 1 passed (2)',
  '      Tests  1 failed | 3 passed (4)',
  '##[error]Process completed with exit code 1.',
].join('\n');

describe('createGitHubApp: authentication', () => {
  it('signs App JWTs with a real RSA key and refreshes the installation token when the clock says it expires', async () => {
    const clock = createManualClock(Date.now());
    fixture = await startAppFixture({ clock });
    fixture.sim.createRepo('acme/widgets');
    const first = await fixture.app.source.cloneRemote('acme/widgets');
    const again = await fixture.app.source.cloneRemote('acme/widgets');
    expect(again.env).toEqual(first.env);
    expect(fixture.sim.counts.byOperation['POST /app/installations/{installation_id}/access_tokens']).toBe(1);

    const dir = mkdtempSync(join(tmpdir(), 'gh-auth-'));
    try {
      await run('git', ['ls-remote', first.url], { env: { ...process.env, ...first.env } });
      // Less than 5 minutes of life left: the adapter mints a new token rather than hand out a dying one.
      await clock.advance(56 * 60_000);
      const refreshed = await fixture.app.source.pushRemote('acme/widgets', 'ampo/x');
      expect(refreshed.env?.GIT_CONFIG_VALUE_0).not.toBe(first.env?.GIT_CONFIG_VALUE_0);
      expect(fixture.sim.counts.byOperation['POST /app/installations/{installation_id}/access_tokens']).toBe(2);
      await clock.advance(5 * 60_000);
      await expect(run('git', ['ls-remote', first.url], { env: { ...process.env, ...first.env } })).rejects.toThrow();
      await run('git', ['ls-remote', refreshed.url], { env: { ...process.env, ...refreshed.env } });
      // The JWT that minted it was signed on the same clock, 61 minutes later than the first.
      const { stdout } = await run('git', ['ls-remote', refreshed.url, 'refs/heads/main'], { env: { ...process.env, ...refreshed.env } });
      expect(stdout).toContain(fixture.sim.branchSha('acme/widgets', 'main'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The token travels only in env: never in the URL.
    expect(first.url).toBe(`${fixture.sim.url}/acme/widgets.git`);
  });

  it('recovers from a token GitHub stopped accepting before its expiry', async () => {
    fixture = await startAppFixture();
    fixture.sim.createRepo('acme/widgets');
    fixture.sim.commit('acme/widgets', 'ampo/revoked', { 'a.txt': 'a' });
    await fixture.app.source.cloneRemote('acme/widgets');
    fixture.sim.expireTokens();
    const pull = await fixture.app.source.openPullRequest({
      repo: 'acme/widgets',
      taskId: 'r',
      base: 'main',
      head: 'ampo/revoked',
      title: 't',
      body: 'b',
    });
    expect(pull.number).toBe(1);
    expect(fixture.sim.counts.byOperation['POST /app/installations/{installation_id}/access_tokens']).toBe(2);
  });

  it('names the missing installation and the missing permission', async () => {
    fixture = await startAppFixture();
    fixture.sim.createRepo('acme/widgets', { permissions: { metadata: 'read', contents: 'write', checks: 'read' } });
    fixture.sim.createRepo('other/gadgets', { installed: false });
    const notInstalled = await fixture.app.source.cloneRemote('other/gadgets').catch((error: unknown) => error);
    expect(AmpoError.isInstance(notInstalled) && notInstalled.code).toBe('forbidden');
    expect((notInstalled as Error).message).toMatch(/not installed on other\/gadgets/);
    const noPulls = await fixture.app.source
      .openPullRequest({ repo: 'acme/widgets', taskId: 't', base: 'main', head: 'x', title: 't', body: 'b' })
      .catch((error: unknown) => error);
    expect(AmpoError.isInstance(noPulls) && noPulls.code).toBe('forbidden');
    expect((noPulls as Error).message).toContain('"pull_requests: write"');
  });
});

describe('createGitHubApp: pull requests', () => {
  it('opens one pull request across a lost response, a retry and a restart', async () => {
    fixture = await startAppFixture();
    fixture.sim.createRepo('acme/widgets');
    fixture.sim.commit('acme/widgets', 'ampo/task-7', { 'a.txt': 'a' });
    // The pull request is created, but the answer is lost: Octokit retries, GitHub says it exists.
    fixture.sim.fault({ method: 'POST', path: '/repos/acme/widgets/pulls', status: 502, afterHandling: true });
    const request = { repo: 'acme/widgets', taskId: 'task-7', base: 'main', head: 'ampo/task-7', title: 'Fix sum', body: 'Attempt 1: red' };
    const opened = await fixture.app.source.openPullRequest(request);
    const restarted = fixture.restart();
    const reopened = await restarted.source.openPullRequest({ ...request, body: 'Attempt 1: red\nAttempt 2: green' });
    expect(reopened).toEqual(opened);
    await restarted.source.updatePullRequest({ repo: 'acme/widgets', number: opened.number, body: 'Attempts: 2' });
    const pulls = fixture.sim.pullRequests('acme/widgets');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.body).toMatch(/^Attempts: 2\n\n<!-- ampo:task=task-7 -->$/);
    expect(fixture.sim.counts.byOperation['POST /repos/{owner}/{repo}/pulls']).toBe(2);
  });

  it('opens drafts when asked', async () => {
    fixture = await startAppFixture();
    fixture.sim.createRepo('acme/widgets');
    fixture.sim.commit('acme/widgets', 'ampo/draft', { 'a.txt': 'a' });
    await fixture.app.source.openPullRequest({
      repo: 'acme/widgets',
      taskId: 'd',
      base: 'main',
      head: 'ampo/draft',
      title: 'Draft',
      body: '',
      draft: true,
    });
    expect(fixture.sim.pullRequests('acme/widgets')[0]?.draft).toBe(true);
  });
});

describe('createGitHubApp: CI', () => {
  it('polls with ETags: unchanged polls are answered 304 and do not count against the rate limit', async () => {
    fixture = await startAppFixture({
      sim: { ci: (push) => ({ checks: [{ name: 'test', conclusion: 'success' }], hold: push.branch !== 'main' }) },
    });
    fixture.sim.createRepo('acme/widgets');
    const sha = fixture.sim.commit('acme/widgets', 'ampo/task', { 'a.txt': 'a' });
    fixture.sim.resetCounts();
    const watching = resultOf(fixture.app.ci.watch(target(sha)));
    while (fixture.sim.counts.notModified < 8) await new Promise((resolve) => setTimeout(resolve, 20));
    fixture.sim.completeCi('acme/widgets', sha);
    const result = await watching;
    expect(result.conclusion).toBe('success');
    expect(result.checks).toEqual([expect.objectContaining({ name: 'test', state: 'completed', conclusion: 'success' })]);
    const { total, rateLimited, notModified } = fixture.sim.counts;
    expect(notModified).toBeGreaterThanOrEqual(8);
    expect(rateLimited).toBe(total - notModified);
    console.log(`github.ci-poll requests=${total} rateLimited=${rateLimited} notModified=${notModified}`);
  });

  it('extracts failures from realistic logs, annotations and statuses', async () => {
    fixture = await startAppFixture({
      sim: {
        ci: (push) =>
          push.branch === 'main'
            ? [{ name: 'test', conclusion: 'success' }]
            : [
                {
                  name: 'test',
                  conclusion: 'failure',
                  steps: [
                    { name: 'Set up job', conclusion: 'success' },
                    { name: 'Run npm test', conclusion: 'failure' },
                  ],
                  log: vitestLog,
                  annotations: [{ path: '.github', line: 1, message: 'Process completed with exit code 1.' }],
                },
                {
                  name: 'typecheck',
                  kind: 'check',
                  conclusion: 'failure',
                  annotations: [
                    { path: 'src/sum.ts', line: 3, message: "Type 'string' is not assignable to type 'number'.", title: 'TS2322' },
                  ],
                },
                { name: 'coverage', kind: 'status', conclusion: 'failure', summary: 'Coverage fell to 71%' },
                { name: 'lint', conclusion: 'success' },
              ],
      },
    });
    fixture.sim.createRepo('acme/widgets');
    const sha = fixture.sim.commit('acme/widgets', 'ampo/task', { 'a.txt': 'a' });
    const result = await resultOf(fixture.app.ci.watch(target(sha)));
    expect(result.conclusion).toBe('failure');
    expect(result.baseFailures).toEqual([]);
    const test = result.failures.find((failure) => failure.check === 'test');
    // The step as the job log's `##[group]Run …` line names it.
    expect(test).toMatchObject({ job: 'test', step: 'npm test', kind: 'test', file: 'src/sum.test.ts', line: 9 });
    expect(test?.message).toContain('expected -1 to be -3');
    expect(test?.logExcerpt ?? '').not.toMatch(/\u001b\[|\d{4}-\d\d-\d\dT\d\d:/);
    expect(result.failures.find((failure) => failure.check === 'typecheck')).toMatchObject({
      file: 'src/sum.ts',
      line: 3,
      message: "TS2322: Type 'string' is not assignable to type 'number'.",
    });
    expect(result.failures.find((failure) => failure.check === 'coverage')?.message).toBe('Coverage fell to 71%');
    expect(result.failures.some((failure) => failure.check === 'lint' || failure.file === '.github')).toBe(false);
    expect(result.checks.map((check) => `${check.name}:${check.conclusion}`).sort()).toEqual([
      'coverage:failure',
      'lint:success',
      'test:failure',
      'typecheck:failure',
    ]);
  });

  it('reports failures that also happen on the base branch separately', async () => {
    const lintLog = 'npx biome check\nsrc/legacy.ts:4:1 lint/style/useConst\n##[error]Process completed with exit code 1.';
    fixture = await startAppFixture({
      sim: {
        ci: (push) => [
          { name: 'lint', conclusion: 'failure', log: lintLog },
          push.branch === 'main' ? { name: 'test', conclusion: 'success' } : { name: 'test', conclusion: 'failure', log: vitestLog },
        ],
      },
    });
    fixture.sim.createRepo('acme/widgets');
    const sha = fixture.sim.commit('acme/widgets', 'ampo/task', { 'a.txt': 'a' });
    const result = await resultOf(fixture.app.ci.watch(target(sha)));
    expect(result.failures.map((failure) => failure.check)).toEqual(['test']);
    expect(result.baseFailures.length).toBeGreaterThan(0);
    expect(result.baseFailures.every((failure) => failure.check === 'lint')).toBe(true);
  });

  it('does not call cancelled, timed out, stale or action_required green', async () => {
    const conclusions = ['cancelled', 'timed_out', 'stale', 'action_required'] as const;
    fixture = await startAppFixture({
      sim: {
        ci: (push) =>
          push.branch === 'main' ? [] : [{ name: 'only', conclusion: conclusions[Number(push.branch.slice(-1))] ?? 'success' }],
      },
    });
    fixture.sim.createRepo('acme/widgets');
    for (const [index, conclusion] of conclusions.entries()) {
      const sha = fixture.sim.commit('acme/widgets', `ampo/c${index}`, { [`${index}.txt`]: 'x' });
      const result = await resultOf(fixture.app.ci.watch(target(sha, `ampo/c${index}`)));
      expect(result.conclusion).toBe(conclusion);
      expect(result.failures[0]?.check).toBe('only');
    }
  });

  it('reads check runs alone when the App may not read statuses or Actions', async () => {
    fixture = await startAppFixture({
      sim: {
        ci: (push) => [
          { name: 'external-ci', kind: 'check', conclusion: push.branch === 'main' ? 'success' : 'failure', summary: '3 tests failed' },
        ],
      },
    });
    fixture.sim.createRepo('acme/widgets', {
      permissions: { metadata: 'read', contents: 'write', pull_requests: 'write', checks: 'read' },
    });
    const sha = fixture.sim.commit('acme/widgets', 'ampo/task', { 'a.txt': 'a' });
    const result = await resultOf(fixture.app.ci.watch(target(sha)));
    expect(result.failures).toEqual([
      expect.objectContaining({ check: 'external-ci', message: expect.stringContaining('3 tests failed') }),
    ]);
    expect(fixture.sim.counts.byOperation['GET /repos/{owner}/{repo}/actions/runs']).toBeUndefined();
  });

  it('retries 5xx, 429 and secondary rate limits within bounds', async () => {
    fixture = await startAppFixture();
    fixture.sim.createRepo('acme/widgets');
    const sha = fixture.sim.commit('acme/widgets', 'ampo/task', { 'a.txt': 'a' });
    fixture.sim.fault({ path: /check-runs$/, status: 503, times: 2 });
    fixture.sim.fault({ path: /\/status$/, status: 429, retryAfter: 1 });
    fixture.sim.fault({ path: /check-suites$/, status: 403, retryAfter: 2 });
    const result = await resultOf(fixture.app.ci.watch(target(sha)));
    expect(result.conclusion).toBe('success');
    expect(fixture.sim.counts.byOperation['GET /repos/{owner}/{repo}/commits/{ref}/check-runs']).toBeGreaterThanOrEqual(3);

    // A server that keeps failing: Octokit gives up after its retries and ampo says so.
    fixture.sim.commit('acme/widgets', 'ampo/down', { 'b.txt': 'b' });
    fixture.sim.fault({ method: 'GET', path: '/repos/acme/widgets/pulls', status: 500, times: 50 });
    fixture.sim.resetCounts();
    const error = await fixture.app.source
      .openPullRequest({ repo: 'acme/widgets', taskId: 't', base: 'main', head: 'ampo/down', title: 't', body: 'b' })
      .catch((caught: unknown) => caught);
    expect(AmpoError.isInstance(error) && error.code).toBe('unavailable');
    expect(AmpoError.isInstance(error) && error.retryable).toBe(true);
    expect(fixture.sim.counts.byOperation['GET /repos/{owner}/{repo}/pulls']).toBe(4);

    // A secondary rate limit that does not lift: retried twice after retry-after, then reported.
    fixture.sim.clearFaults();
    fixture.sim.fault({ method: 'GET', path: '/repos/acme/widgets/pulls', status: 403, retryAfter: 1, times: 50 });
    fixture.sim.resetCounts();
    const limited = await fixture.app.source
      .openPullRequest({ repo: 'acme/widgets', taskId: 't', base: 'main', head: 'ampo/down', title: 't', body: 'b' })
      .catch((caught: unknown) => caught);
    expect(AmpoError.isInstance(limited) && limited.code).toBe('rate-limited');
    expect(fixture.sim.counts.byOperation['GET /repos/{owner}/{repo}/pulls']).toBe(3);
  });
});

describe('createGitHubApp: webhooks', () => {
  const nextEvent = (events: AppFixture['app']['webhooks']['events$'], type: GitHubEvent['type']) =>
    firstValueFrom(
      events.pipe(
        filter((event) => event.type === type),
        take(1),
        timeout(10_000),
      ),
    );

  it('wakes the CI watcher: with slow polling the result still arrives when CI completes', async () => {
    fixture = await startAppFixture({
      webhooks: true,
      sim: { ci: (push) => ({ checks: [{ name: 'test', conclusion: 'success' }], hold: push.branch !== 'main' }) },
      app: { polling: { initialDelayMs: 600_000, maxDelayMs: 600_000 } },
    });
    fixture.sim.createRepo('acme/widgets');
    const sha = fixture.sim.commit('acme/widgets', 'ampo/task', { 'a.txt': 'a' });
    const updates: CiUpdate[] = [];
    const done = new Promise<void>((resolve, reject) =>
      fixture?.app.ci.watch(target(sha)).subscribe({ next: (update) => updates.push(update), complete: resolve, error: reject }),
    );
    while (!updates.some((update) => update.type === 'status')) await new Promise((resolve) => setTimeout(resolve, 10));
    fixture.sim.completeCi('acme/widgets', sha);
    await done;
    expect(updates.at(-1)).toMatchObject({ type: 'result', result: { conclusion: 'success' } });
    expect(fixture.sim.deliveries.every((delivery) => delivery.status === 202)).toBe(true);
  });

  it('turns comments from writers and closed pull requests into events; ignores readers', async () => {
    fixture = await startAppFixture({ webhooks: true });
    fixture.sim.createRepo('acme/widgets');
    fixture.sim.commit('acme/widgets', 'ampo/task-9', { 'a.txt': 'a' });
    fixture.sim.setCollaborator('acme/widgets', 'reader', 'read');
    fixture.sim.setCollaborator('acme/widgets', 'maintainer', 'write');
    const pull = await fixture.app.source.openPullRequest({
      repo: 'acme/widgets',
      taskId: 'task-9',
      base: 'main',
      head: 'ampo/task-9',
      title: 't',
      body: 'b',
    });
    const seen: GitHubEvent[] = [];
    const subscription = fixture.app.webhooks.events$.subscribe((event) => {
      if (event.type !== 'ci-changed') seen.push(event);
    });
    await fixture.sim.commentOnPullRequest('acme/widgets', pull.number, 'reader', '@ampo please delete the tests');
    await fixture.sim.commentOnPullRequest('acme/widgets', pull.number, 'stranger', '@ampo please delete the tests');
    await fixture.sim.commentOnPullRequest('acme/widgets', pull.number, 'maintainer', 'looks fine to me');
    const comment = nextEvent(fixture.app.webhooks.events$, 'pull-request-comment');
    await fixture.sim.commentOnPullRequest('acme/widgets', pull.number, 'maintainer', '@ampo also handle overflow');
    expect(await comment).toMatchObject({
      repo: 'acme/widgets',
      number: pull.number,
      taskId: 'task-9',
      author: 'maintainer',
      body: '@ampo also handle overflow',
    });
    const review = nextEvent(fixture.app.webhooks.events$, 'pull-request-comment');
    await fixture.sim.reviewCommentOnPullRequest('acme/widgets', pull.number, 'reader', '@ampo rename this', { path: 'a.txt', line: 1 });
    await fixture.sim.reviewCommentOnPullRequest('acme/widgets', pull.number, 'maintainer', '@ampo rename this', {
      path: 'a.txt',
      line: 1,
    });
    expect(await review).toMatchObject({ taskId: 'task-9', author: 'maintainer', body: '@ampo rename this', path: 'a.txt', line: 1 });
    const closed = nextEvent(fixture.app.webhooks.events$, 'pull-request-closed');
    await fixture.sim.closePullRequest('acme/widgets', pull.number, { merged: true });
    expect(await closed).toMatchObject({ number: pull.number, merged: true, taskId: 'task-9' });
    subscription.unsubscribe();
    expect(seen.map((event) => event.type)).toEqual(['pull-request-comment', 'pull-request-comment', 'pull-request-closed']);
    expect(fixture.sim.counts.byOperation['GET /repos/{owner}/{repo}/collaborators/{username}/permission']).toBe(5);
  });

  it('rejects a delivery whose signature does not match', async () => {
    fixture = await startAppFixture({ webhooks: true });
    fixture.sim.createRepo('acme/widgets');
    await fixture.sim.flushWebhooks();
    const seen: GitHubEvent[] = [];
    const subscription = fixture.app.webhooks.events$.subscribe((event) => seen.push(event));
    const body = JSON.stringify({
      action: 'completed',
      check_run: { head_sha: 'a'.repeat(40) },
      repository: { full_name: 'acme/widgets' },
    });
    expect(await fixture.sim.deliverRaw('check_run', body, await sign('not-the-secret', body))).toBe(401);
    expect(await fixture.sim.deliverRaw('check_run', body, 'sha256=00')).toBe(401);
    const direct = await fixture.app.webhooks
      .receive({ id: '1', name: 'check_run', signature: 'sha256=00', payload: body })
      .catch((error: unknown) => error);
    expect(AmpoError.isInstance(direct) && direct.code).toBe('unauthorized');
    subscription.unsubscribe();
    expect(seen).toEqual([]);
  });
});
