import { describe, expect, it } from 'vitest';
import type { CiFailure } from '../domain/ci.js';
import type { OrchestratorEvent } from '../domain/events.js';
import { AmpoError } from '../errors.js';
import { createFakeWorld } from '../testing/orchestrator-harness.js';

const fixedSum = 'export const sum = (a: number, b: number) => a + b;\n';
const testFailure: CiFailure = {
  check: 'test',
  job: 'unit',
  step: 'npm test',
  kind: 'test',
  test: 'sum > adds two numbers',
  file: 'src/sum.test.ts',
  line: 4,
  message: 'expected -1 to be 3',
  logExcerpt: 'FAIL src/sum.test.ts > sum > adds two numbers\nAssertionError: expected -1 to be 3',
};

const expectContiguous = (events: readonly OrchestratorEvent[]) => {
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
};

describe('createOrchestrator with in-memory ports', () => {
  it('goes green on the first try: pushes, opens one pull request, removes the workspace', async () => {
    const world = createFakeWorld({
      agent: () => ({ messages: ['Fixing sum'], edits: { 'src/sum.ts': fixedSum } }),
      ci: () => ({ conclusion: 'success' }),
    });
    const created = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    expect(created.status).toBe('queued');
    const task = await world.waitFor(created.id, ['succeeded', 'failed', 'cancelled']);

    expect(task.status).toBe('succeeded');
    expect(task.attempts).toHaveLength(1);
    expect(world.source.pullRequests).toHaveLength(1);
    expect(world.source.pullRequests[0]?.head).toBe(task.branch);
    const remote = world.git.remotes.get(world.repo);
    expect(remote?.pushes).toEqual([{ branch: task.branch, sha: task.headSha }]);
    expect(remote?.commits.get(task.headSha ?? '')?.get('src/sum.ts')).toBe(fixedSum);
    expect(world.runtime.workspaces.size).toBe(0);
    const events = await world.store.readEvents(task.id);
    expectContiguous(events);
    expect(events.filter((event) => event.type === 'task-status-changed').map((event) => event.to)).toEqual([
      'provisioning',
      'cloning',
      'agent-running',
      'pushing',
      'ci-waiting',
      'succeeded',
    ]);
  });

  it('sends CI failures back to the same agent thread in the same workspace, then goes green', async () => {
    const world = createFakeWorld({
      agent: ({ turnNumber }) =>
        turnNumber === 1 ? { edits: { 'src/sum.ts': '// still wrong\n' } } : { edits: { 'src/sum.ts': fixedSum }, usage: { costUsd: 0.5 } },
      ci: (_target, watch) => (watch === 1 ? { conclusion: 'failure', failures: [testFailure] } : { conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 3 });
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled']);

    expect(task.status).toBe('succeeded');
    expect(world.agent.turns).toHaveLength(2);
    const [first, second] = world.agent.turns;
    expect(second?.sessionId).toBe(first?.sessionId);
    expect(second?.workspaceId).toBe(first?.workspaceId);
    expect(second?.prompt).toContain('src/sum.test.ts:4');
    expect(second?.prompt).toContain('sum > adds two numbers');
    expect(second?.prompt).toContain('expected -1 to be 3');
    expect(second?.prompt).toContain('attempt 1 of 3');
    expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);
    expect(world.source.pullRequests).toHaveLength(1);
    expect(world.source.pullRequests[0]?.body).toContain('| 2 |');
    expect(task.usage.costUsd).toBe(0.5);
    expect(world.git.remotes.get(world.repo)?.pushes).toHaveLength(2);
    const workspacesCreated = new Set(world.runtime.execs.map((exec) => exec.workspaceId));
    expect(workspacesCreated.size).toBe(1);
    const feedbackTurn = (await world.store.readEvents(id)).find(
      (event) => event.type === 'agent-turn-started' && event.reason === 'ci-feedback',
    );
    expect(feedbackTurn).toBeDefined();
  });

  it('stops at the attempt bound with the last failure in the reason', async () => {
    let edit = 0;
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': `// try ${++edit}\n` } }),
      ci: (_target, watch) => ({ conclusion: 'failure', failures: [{ ...testFailure, message: `failure number ${watch}` }] }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 2 });
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled']);
    expect(task.status).toBe('failed');
    expect(task.failure?.code).toBe('ci-exhausted');
    expect(task.failure?.reason).toContain('failure number 2');
    expect(task.attempts).toHaveLength(2);
    expect(world.agent.turns).toHaveLength(2);
    expect(world.runtime.workspaces.size).toBe(0);
  });

  it('stops early when CI fails the same way twice in a row', async () => {
    let edit = 0;
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': `// try ${++edit}\n` } }),
      // Same failure, only the duration differs: the signature ignores it.
      ci: (_target, watch) => ({
        conclusion: 'failure',
        failures: [{ ...testFailure, message: `expected -1 to be 3 (took ${watch * 7}ms)` }],
      }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 5 });
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled']);
    expect(task.failure?.code).toBe('not-converging');
    expect(task.attempts).toHaveLength(2);
  });

  it('cancels while the agent runs: kills the turn and removes the workspace', async () => {
    const world = createFakeWorld({ agent: () => ({ outcome: 'hang' }), ci: () => ({ conclusion: 'success' }) });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['agent-running']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const cancelled = await world.orchestrator.cancelTask(id, 'changed my mind');
    expect(cancelled.status).toBe('cancelled');
    const task = await world.waitFor(id, ['cancelled']);
    expect(task.failure?.reason).toBe('changed my mind');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(world.runtime.workspaces.size).toBe(0);
    expect((await world.orchestrator.cancelTask(id)).status).toBe('cancelled');
  });

  it('cancels while waiting for CI: stops watching', async () => {
    const world = createFakeWorld({ agent: () => ({ edits: { 'src/sum.ts': fixedSum } }), ci: () => 'pending' });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['ci-waiting']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(world.ci.active).toBe(1);
    await world.orchestrator.cancelTask(id);
    expect(world.ci.active).toBe(0);
    expect((await world.store.getTask(id))?.status).toBe('cancelled');
  });

  it('fails with a reason a person can act on when the agent crashes', async () => {
    const world = createFakeWorld({ agent: () => ({ messages: ['working'], outcome: 'crash' }), ci: () => ({ conclusion: 'success' }) });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled']);
    expect(task.status).toBe('failed');
    expect(task.failure?.code).toBe('agent-error');
    expect(task.failure?.reason).toContain('exited with code 137 without a result');
    expect(task.failure?.reason).toContain('Segmentation fault');
  });

  it('times a hung agent out through the clock and kills it', async () => {
    const world = createFakeWorld({ agent: () => ({ outcome: 'hang' }), ci: () => ({ conclusion: 'success' }) });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', timeouts: { 'agent-running': 60_000 } });
    await world.waitFor(id, ['agent-running']);
    await world.clock.advance(59_000);
    expect((await world.store.getTask(id))?.status).toBe('agent-running');
    await world.clock.advance(1_000);
    const task = await world.waitFor(id, ['failed']);
    expect(task.failure?.code).toBe('timeout');
    expect(task.failure?.reason).toContain('agent-running phase took longer than its timeout of 60 s');
  });

  it('retries an agent that failed to start without charging a CI attempt', async () => {
    let calls = 0;
    const world = createFakeWorld({
      agent: () => (++calls === 1 ? { outcome: 'start-fail' } : { edits: { 'src/sum.ts': fixedSum } }),
      ci: () => ({ conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const waiting = await world.store.getTask(id);
    expect(waiting?.currentTurn?.startRetries).toBe(1);
    await world.clock.advance(2_000);
    const task = await world.waitFor(id, ['succeeded', 'failed']);
    expect(task.status).toBe('succeeded');
    expect(task.attempts).toHaveLength(1);
  });

  it('runs at most `concurrency` tasks at once, first in first out', async () => {
    const world = createFakeWorld({
      agent: () => ({ outcome: 'hang' }),
      ci: () => ({ conclusion: 'success' }),
      options: { concurrency: 2 },
    });
    const ids: string[] = [];
    for (let index = 0; index < 4; index++)
      ids.push((await world.orchestrator.createTask({ repo: world.repo, prompt: `Task ${index}` })).id);
    await world.waitFor(ids[1] as string, ['agent-running']);
    const statuses = async () => Promise.all(ids.map(async (id) => (await world.store.getTask(id))?.status));
    expect(await statuses()).toEqual(['agent-running', 'agent-running', 'queued', 'queued']);
    await world.orchestrator.cancelTask(ids[0] as string);
    await world.waitFor(ids[2] as string, ['agent-running']);
    expect(await statuses()).toEqual(['cancelled', 'agent-running', 'agent-running', 'queued']);
  });

  it('rejects invalid input with the reason and records nothing', async () => {
    const world = createFakeWorld({ agent: () => ({}), ci: () => ({ conclusion: 'success' }) });
    const attempt = world.orchestrator.createTask({ repo: world.repo, prompt: '', maxCiAttempts: 0 } as never);
    await expect(attempt).rejects.toSatisfy((error: unknown) => AmpoError.isInstance(error) && error.code === 'invalid-input');
    await expect(attempt).rejects.toThrow(/prompt/);
    expect((await world.store.listTasks()).tasks).toHaveLength(0);
  });

  it('never lets a secret reach an event, a log chunk or the stored task', async () => {
    const world = createFakeWorld({
      agent: ({ prompt }) => ({
        messages: [`my key is ${'fake-agent-api-key-9f8e7d6c5b4a'} and the prompt was ${prompt.length} long`],
        edits: { 'src/sum.ts': fixedSum },
      }),
      ci: () => ({ conclusion: 'failure', failures: [{ ...testFailure, logExcerpt: 'token=fake-source-token-0123456789abcdef' }] }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 1 });
    await world.waitFor(id, ['failed']);
    expect(world.agent.turns[0]?.secretEnvSeen).toBe(true);
    const everything = JSON.stringify([await world.store.readEvents(id), await world.store.readLogs(id), await world.store.getTask(id)]);
    expect(everything).not.toContain(world.agent.apiKey);
    expect(everything).not.toContain(world.source.token);
    expect(everything).toContain('[redacted]');
  });

  it('passes a message sent during CI to the agent at once, without charging an attempt', async () => {
    const world = createFakeWorld({
      agent: ({ turnNumber }) => ({ edits: { 'src/sum.ts': `${fixedSum}// turn ${turnNumber}\n` } }),
      ci: (_target, watch) => (watch === 1 ? 'pending' : { conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['ci-waiting']);
    await world.orchestrator.sendMessage(id, 'Please also add a comment', 'alice');
    const task = await world.waitFor(id, ['succeeded', 'failed']);
    expect(task.status).toBe('succeeded');
    expect(world.agent.turns[1]?.prompt).toBe('Please also add a comment');
    expect(task.attempts).toHaveLength(1);
    await expect(world.orchestrator.sendMessage(id, 'too late')).rejects.toThrow(/succeeded/);
  });

  it('replays stored events then follows live ones for a late subscriber', async () => {
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': fixedSum } }),
      ci: (_target, watch) => (watch === 1 ? 'pending' : { conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['ci-waiting']);
    const seen: OrchestratorEvent[] = [];
    const subscription = world.orchestrator.taskEvents$(id).subscribe((event) => seen.push(event));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await world.orchestrator.cancelTask(id);
    await new Promise((resolve) => setTimeout(resolve, 10));
    subscription.unsubscribe();
    expectContiguous(seen);
    expect(seen.at(-1)?.type === 'task-status-changed' || seen.at(-1)?.type === 'workspace-removed').toBe(true);
    expect(seen.some((event) => event.type === 'task-status-changed' && event.to === 'cancelled')).toBe(true);
  });
});

describe('credentials in a workspace', () => {
  it('pushes only once every process the agent left running is ended, so none reads the push credentials', async () => {
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': 'export const sum = (a: number, b: number) => a + b;\n' } }),
      ci: () => ({ conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    expect((await world.waitFor(id, ['succeeded', 'failed', 'cancelled'])).status).toBe('succeeded');
    const pushes = world.runtime.execs.filter((exec) => exec.argv[0] === 'git' && exec.argv.includes('push'));
    expect(pushes).toHaveLength(1);
    expect(pushes.map((exec) => exec.endOtherProcesses)).toEqual([true]);
  });
});

describe('stop right after a task ended', () => {
  it('waits for the pull request update and the workspace removal instead of cutting them off', async () => {
    const world = createFakeWorld({
      agent: () => ({ edits: { 'src/sum.ts': 'export const sum = (a: number, b: number) => a + b;\n' } }),
      ci: () => ({ conclusion: 'success' }),
    });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const update = world.source.updatePullRequest.bind(world.source);
    let updated = false;
    world.source.updatePullRequest = async (request) => {
      await gate;
      await update(request);
      updated = true;
    };
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['succeeded']);
    let stopped = false;
    const stopping = world.orchestrator.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(updated).toBe(true);
    expect(world.runtime.workspaces.size).toBe(0);
  });
});
