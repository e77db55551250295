import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime } from '@ampo/adapter-docker';
import { createLocalCi } from '@ampo/adapter-local';
import { ampDriver, type CiResult, createOrchestrator, type Task } from '@ampo/core';
import { createSqliteStore } from '@ampo/store-sqlite';
import { type CheckOutcome, containersLabelled, prepareDocker, sampleProject, sampleScenario } from '@ampo/testkit';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, startAppFixture } from './__fixtures__/github-app-fixture.js';

const testRun = randomUUID();
const containers = (label: string) => containersLabelled(label).join(' ');

/** A job log as GitHub Actions would print it for a check that ran the given command. */
const jobLog = (name: string, result: CiResult) => {
  const failures = result.failures.filter((failure) => failure.check === name);
  const failed = failures.length > 0;
  return [
    `##[group]Run ${name}`,
    ...failures.flatMap((failure) => (failure.logExcerpt ?? failure.message).split('\n')),
    '##[endgroup]',
    ...(failed ? ['##[error]Process completed with exit code 1.'] : []),
  ].join('\n');
};

describe('end to end against the GitHub simulator: Docker, SQLite, the scripted agent and the GitHub App adapter', () => {
  let image: string;
  let fixture: AppFixture;
  beforeAll(async () => {
    image = await prepareDocker();
    fixture = await startAppFixture({ webhooks: true });
  }, 900_000);
  afterAll(async () => {
    await fixture?.close();
    expect(containers(`ampo.test-run=${testRun}`)).toBe('');
  });

  it('goes red then green and leaves a pull request whose body shows both attempts', async () => {
    const { sim, app } = fixture;
    const runtime = createDockerRuntime({ image, network: 'host', labels: { 'ampo.test-run': testRun }, instanceId: 'github-e2e' });
    // The simulator's "Actions" really run the repository's checks, in containers, on each push.
    const checks = createLocalCi({ runtime, source: app.source });
    sim.setCi((push) => {
      if (push.branch === 'main') return [{ name: 'test', conclusion: 'success' }];
      void lastValueFrom(
        checks.watch({ taskId: `ci-${push.sha.slice(0, 8)}`, repo: push.repo, sha: push.sha, branch: push.branch, baseBranch: 'main' }),
      ).then((update) => {
        if (update.type !== 'result') return;
        const outcomes: Record<string, CheckOutcome> = {};
        for (const check of update.result.checks)
          outcomes[check.name] = {
            conclusion: check.conclusion === 'success' ? 'success' : 'failure',
            log: jobLog(check.name, update.result),
          };
        sim.completeCi(push.repo, push.sha, outcomes);
      });
      return {
        checks: [
          { name: 'test', conclusion: 'success' },
          { name: 'lint', conclusion: 'success' },
        ],
        hold: true,
      };
    });
    sim.createRepo('acme/app', { files: { ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(sampleScenario)}\n` } });

    const store = await createSqliteStore({ filename: join(mkdtempSync(join(tmpdir(), 'ampo-gh-e2e-')), 'ampo.db') });
    const orchestrator = createOrchestrator(
      { runtime, agents: { amp: ampDriver({ binary: 'ampo-scripted-agent' }) }, source: app.source, ci: app.ci, store },
      { instanceId: 'github-e2e' },
    );
    try {
      const created = await orchestrator.createTask({ repo: 'acme/app', prompt: 'Let sum take an offset', maxCiAttempts: 3 });
      await firstValueFrom(
        orchestrator.events$.pipe(
          filter(
            (event) =>
              event.taskId === created.id &&
              event.type === 'task-status-changed' &&
              ['succeeded', 'failed', 'cancelled'].includes(event.to),
          ),
        ),
      );
      const task = (await store.getTask(created.id)) as Task;

      expect(task.failure).toBeUndefined();
      expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);
      const feedback = (await store.readEvents(task.id)).find(
        (event) => event.type === 'agent-turn-started' && event.reason === 'ci-feedback',
      );
      expect(feedback?.type === 'agent-turn-started' && feedback.prompt).toMatch(/sum adds two numbers|Unexpected var/);

      // The body is refreshed by an effect after the status is published (and writes are throttled).
      for (let waited = 0; !sim.pullRequests('acme/app')[0]?.body?.includes('| 2 |') && waited < 100; waited++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const [pull, ...others] = sim.pullRequests('acme/app');
      expect(others).toEqual([]);
      expect(pull?.head).toBe(task.branch);
      expect(pull?.body).toMatch(/\| 1 \| \w{7} \| failure \|/);
      expect(pull?.body).toMatch(/\| 2 \| \w{7} \| success \|/);
      expect(sim.branchSha('acme/app', task.branch)).toBe(task.headSha);
    } finally {
      // The workspace is removed by an effect that runs after the terminal status is published.
      for (let waited = 0; containers(`ampo.test-run=${testRun}`) !== '' && waited < 150; waited++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await orchestrator.stop();
      await store.close();
    }
  }, 300_000);
});
