import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createDockerRuntime } from '@ampo/adapter-docker';
import type { CiUpdate } from '@ampo/core';
import { brokenChange, containersLabelled, createBareRepository, prepareDocker, sampleProject } from '@ampo/testkit';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHttpServer, type GitHttpServer } from './git-http-server.js';
import { createLocalCi } from './local-ci-provider.js';
import { createLocalSourceHost } from './local-source-host.js';

const testRun = randomUUID();
const containers = () => containersLabelled(`ampo.test-run=${testRun}`).join(' ');

describe('createLocalCi on a real Docker engine', () => {
  let image: string;
  let git: GitHttpServer;
  beforeAll(async () => {
    image = await prepareDocker();
    git = await createGitHttpServer();
  }, 900_000);
  afterAll(async () => {
    await git?.close();
    expect(containers()).toBe('');
  });

  const setup = () => {
    const repository = createBareRepository(sampleProject);
    const source = createLocalSourceHost({ git, reviewsFile: join(repository.root, 'reviews.json') });
    const runtime = createDockerRuntime({ image, network: 'host', labels: { 'ampo.test-run': testRun } });
    return { repository, ci: createLocalCi({ runtime, source }) };
  };
  const target = (repo: string, sha: string) => ({
    taskId: `t-${randomUUID().slice(0, 8)}`,
    repo,
    sha,
    branch: 'main',
    baseBranch: 'main',
  });

  it('runs the checks of a green commit and reports each', async () => {
    const { repository, ci } = setup();
    const updates: CiUpdate[] = await lastValueFrom(ci.watch(target(repository.bare, repository.base)).pipe(toArray()));
    const result = updates.at(-1);
    expect(result?.type).toBe('result');
    if (result?.type !== 'result') return;
    expect(result.result.conclusion).toBe('success');
    expect(result.result.checks.map((check) => [check.name, check.conclusion])).toEqual([
      ['test', 'success'],
      ['lint', 'success'],
    ]);
    expect(updates.filter((update) => update.type === 'status').length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('digests a failing test and a lint error into precise failures', async () => {
    const { repository, ci } = setup();
    const sha = repository.commit(brokenChange, 'broken', 'ampo/x');
    const updates = await lastValueFrom(ci.watch(target(repository.bare, sha)).pipe(toArray()));
    const result = updates.at(-1);
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.result.conclusion).toBe('failure');
    const test = result.result.failures.find((failure) => failure.check === 'test');
    const lint = result.result.failures.find((failure) => failure.check === 'lint');
    expect(test).toMatchObject({ kind: 'test', test: expect.stringContaining('sum adds two numbers') });
    expect(test?.message).toMatch(/4|3/);
    expect(lint).toMatchObject({ kind: 'lint', line: 1 });
    expect(lint?.file).toBe('src/sum.js');
    expect(test?.file).toBe('test/sum.test.js');
    expect(JSON.stringify(result.result.failures)).not.toContain('/workspace/checks');
    expect(lint?.message).toMatch(/Unexpected var/);
  }, 120_000);

  it('kills a check that runs past its timeout and counts it as timed out', async () => {
    const { repository } = setup();
    const runtime = createDockerRuntime({ image, network: 'host', labels: { 'ampo.test-run': testRun }, cancelGraceMs: 500 });
    const source = createLocalSourceHost({ git, reviewsFile: join(repository.root, 'reviews.json') });
    const ci = createLocalCi({ runtime, source, defaultTimeoutMs: 2_000 });
    const updates = await lastValueFrom(
      ci.watch({ ...target(repository.bare, repository.base), checks: [{ name: 'slow', command: 'sleep 60' }] }).pipe(toArray()),
    );
    const result = updates.at(-1);
    if (result?.type !== 'result') throw new Error('no result');
    expect(result.result.conclusion).toBe('timed_out');
    expect(result.result.failures).toEqual([
      expect.objectContaining({ check: 'slow', kind: 'infra', message: expect.stringMatching(/timeout/) }),
    ]);
  }, 120_000);

  it('stops the checks and removes their container when unsubscribed', async () => {
    const { repository, ci } = setup();
    const seen: CiUpdate[] = [];
    const subscription = ci
      .watch({ ...target(repository.bare, repository.base), checks: [{ name: 'forever', command: 'sleep 300' }] })
      .subscribe((update) => seen.push(update));
    for (
      let waited = 0;
      !seen.some((update) => update.type === 'status' && update.checks[0]?.state === 'in_progress') && waited < 600;
      waited++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(containers()).not.toBe('');
    subscription.unsubscribe();
    for (let waited = 0; containers() !== '' && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(containers()).toBe('');
  }, 120_000);

  it('unsubscribes quietly when the check container is already gone', async () => {
    const { repository, ci } = setup();
    const seen: CiUpdate[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const subscription = ci
        .watch({ ...target(repository.bare, repository.base), checks: [{ name: 'forever', command: 'sleep 300' }] })
        .subscribe({ next: (update) => seen.push(update), error: () => undefined });
      for (
        let waited = 0;
        !seen.some((update) => update.type === 'status' && update.checks[0]?.state === 'in_progress') && waited < 600;
        waited++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Cancelling the running check now needs an exec in a container that no longer exists.
      execFileSync('docker', ['rm', '-f', ...containers().split(' ')], { stdio: 'ignore' });
      subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(unhandled).toEqual([]);
      expect(containers()).toBe('');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }, 120_000);
});
