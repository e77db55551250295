import { describe, expect, it } from 'vitest';
import type { CiFailure } from '../domain/ci.js';
import { createFakeWorld } from '../testing/orchestrator-harness.js';

const fixedSum = 'export const sum = (a: number, b: number) => a + b;\n';
// A test of code the agent never touches (the agent edits src/sum.ts only).
const flakyClock: CiFailure = {
  check: 'test',
  kind: 'test',
  test: 'clock > ticks once a second',
  file: 'src/clock.ts',
  line: 9,
  testFile: 'src/clock.test.ts',
  testLine: 4,
  message: 'expected 2 ticks, got 1',
};
const refused: CiFailure = { check: 'test', kind: 'infra', message: 'connect ECONNREFUSED 127.0.0.1:5432' };

describe('CI re-runs through the orchestrator', () => {
  it('re-runs a flaky test once on the same commit, shows it in the events and does not charge it', async () => {
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': fixedSum } }),
      ci: (target) =>
        target.rerun ? { conclusion: 'success' } : { conclusion: 'failure', failures: [flakyClock], changedFiles: ['src/sum.ts'] },
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled']);
    expect(task.status).toBe('succeeded');
    expect(task.turnsStarted).toBe(1);
    expect(task.attempts).toEqual([expect.objectContaining({ attempt: 1, conclusion: 'success', flaky: [flakyClock] })]);
    expect(world.ci.watches.map((watch) => [watch.sha, watch.rerun])).toEqual([
      [task.headSha, undefined],
      [task.headSha, { checks: ['test'] }],
    ]);
    const started = (await world.store.readEvents(id)).filter((event) => event.type === 'ci-run-started');
    expect(started).toEqual([
      expect.objectContaining({ attempt: 1, sha: task.headSha }),
      expect.objectContaining({ attempt: 1, rerun: { reason: 'flaky', checks: ['test'], tests: ['clock > ticks once a second'] } }),
    ]);
    expect(started[0]).not.toHaveProperty('rerun');
  });

  it('ends a task whose CI keeps failing on infrastructure with that reason, after one agent turn', async () => {
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': fixedSum } }),
      ci: () => ({ conclusion: 'failure', failures: [refused] }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 3 });
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled']);
    expect(task).toMatchObject({ status: 'failed', turnsStarted: 1, attempts: [], failure: { code: 'ci-infra' } });
    expect(task.failure?.reason).toContain('ECONNREFUSED');
    expect(world.ci.watches).toHaveLength(3);
    expect(world.agent.turns).toHaveLength(1);
  });
});
