import { describe, expect, it } from 'vitest';
import type { OrchestratorEvent, OrchestratorEventType } from '../domain/events.js';
import { AmpoError } from '../errors.js';
import type { TaskStore } from '../ports/task-store.js';
import { createInMemoryTaskStore } from '../testing/in-memory-task-store.js';
import { createFakeWorld } from '../testing/orchestrator-harness.js';
import type { Orchestrator } from './create-orchestrator.js';

/** A store that dies (every later write fails) right after an event of `type` was persisted. */
const crashAfter = (inner: TaskStore, type: OrchestratorEventType, occurrence: number, onCrash: () => void): TaskStore => {
  let seen = 0;
  let crashed = false;
  return {
    ...inner,
    async append(taskId, events, snapshot) {
      if (crashed) throw new AmpoError('unavailable', 'the process crashed');
      await inner.append(taskId, events, snapshot);
      seen += events.filter((event) => event.type === type).length;
      if (seen >= occurrence) {
        crashed = true;
        setTimeout(onCrash, 0);
      }
    },
    async appendLogs(taskId, chunks) {
      if (crashed) throw new AmpoError('unavailable', 'the process crashed');
      return inner.appendLogs(taskId, chunks);
    },
  };
};

const crashPoints: Array<[OrchestratorEventType, number]> = [
  ['task-created', 1],
  ['task-started', 1],
  ['workspace-created', 1],
  ['repo-cloned', 1],
  ['agent-turn-started', 1],
  ['agent-output', 2],
  ['agent-turn-ended', 1],
  ['branch-pushed', 1],
  ['pull-request-opened', 1],
  ['ci-run-started', 1],
  ['ci-run-end', 1],
  ['agent-turn-started', 2],
  ['branch-pushed', 2],
  ['ci-run-end', 2],
];

describe('restart: a new orchestrator over the same store resumes every unfinished task', () => {
  it.each(crashPoints)('after %s #%i: finishes without a second push or pull request', async (type, occurrence) => {
    const durable = createInMemoryTaskStore();
    let first: Orchestrator | undefined;
    const crashed = new Promise<void>((resolve) => {
      const store = crashAfter(durable, type, occurrence, () => {
        void first?.stop().then(resolve);
      });
      const world = createFakeWorld({
        store,
        agent: ({ prompt }) => ({
          messages: ['one', 'two', 'three'],
          edits: { 'src/sum.ts': prompt.includes('CI failed') ? 'export const sum = (a: number, b: number) => a + b;\n' : '// wrong\n' },
        }),
        ci: (target) => {
          const files = world.git.remotes.get(target.repo)?.commits.get(target.sha);
          return files?.get('src/sum.ts')?.includes('a + b')
            ? { conclusion: 'success' }
            : {
                conclusion: 'failure',
                failures: [{ check: 'test', kind: 'test', message: 'expected -1 to be 3', file: 'src/sum.test.ts', line: 3 }],
              };
        },
      });
      first = world.orchestrator;
      void world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 3 }).then(async () => {
        await crashed;
        // The second process: same fakes (the containers and the git host outlived the crash), durable store.
        const second = createFakeWorldAfterCrash(world, durable);
        await second.start();
        const [task] = (await durable.listTasks()).tasks;
        const done = await world.waitFor(task?.id ?? '', ['succeeded', 'failed', 'cancelled'], second);
        results.push({
          status: done.status,
          events: await durable.readEvents(done.id),
          pushes: world.git.remotes.get(world.repo)?.pushes ?? [],
          pullRequests: world.source.pullRequests.length,
          workspaces: world.runtime.workspaces.size,
          turns: world.agent.turns.length,
        });
        finished();
      });
    });
    const results: Array<{
      status: string;
      events: OrchestratorEvent[];
      pushes: Array<{ sha: string }>;
      pullRequests: number;
      workspaces: number;
      turns: number;
    }> = [];
    let finished = () => {};
    await new Promise<void>((resolve) => {
      finished = resolve;
    });
    await crashed;
    const [result] = results;
    expect(result?.status).toBe('succeeded');
    const events = result?.events ?? [];
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const pushedShas = (result?.pushes ?? []).map((push) => push.sha);
    expect(new Set(pushedShas).size).toBe(pushedShas.length);
    expect(pushedShas).toHaveLength(2);
    expect(result?.pullRequests).toBe(1);
    expect(result?.workspaces).toBe(0);
    expect(events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);
    // Each agent turn ran once: a restart re-attached to the process instead of starting another.
    expect(result?.turns).toBe(2);
    const lines = events.filter((event) => event.type === 'agent-output').map((event) => `${event.turn}:${event.line}`);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

function createFakeWorldAfterCrash(world: ReturnType<typeof createFakeWorld>, store: TaskStore): Orchestrator {
  return createOrchestratorLike(world, store);
}

import { createOrchestrator } from './create-orchestrator.js';

function createOrchestratorLike(world: ReturnType<typeof createFakeWorld>, store: TaskStore): Orchestrator {
  return createOrchestrator(
    { runtime: world.runtime, agents: { amp: world.agent.driver }, source: world.source, ci: world.ci, store, clock: world.clock },
    { instanceId: 'second' },
  );
}

describe('restart: a turn killed while nobody watched (the container restarted)', () => {
  it('continues the same agent thread with a follow-up instead of failing the task', async () => {
    let calls = 0;
    const world = createFakeWorld({
      agent: ({ prompt }) => {
        calls++;
        return prompt.includes('interrupted')
          ? { edits: { 'src/sum.ts': 'export const sum = (a: number, b: number) => a + b;\n' } }
          : { messages: ['starting'], outcome: 'hang' };
      },
      ci: () => ({ conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['agent-running']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await world.orchestrator.stop();
    // While no orchestrator runs, the turn's process dies (as when its container restarts).
    const stopped = await world.store.getTask(id);
    const workspace = await world.runtime.get(stopped?.workspaceId ?? '');
    await (await workspace?.attach(stopped?.currentTurn?.executionId ?? ''))?.cancel();

    const second = world.restart({ instanceId: 'second' });
    await second.start();
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled'], second);
    expect(task.status).toBe('succeeded');
    expect(calls).toBe(2);
    expect(world.agent.turns.map((turn) => turn.sessionId)).toEqual(['T-fake-1', 'T-fake-1']);
    expect(world.agent.turns[1]?.prompt).toMatch(/^Your previous run on this task was interrupted[\s\S]*Fix sum$/);
    const logs = await world.store.readLogs(id);
    expect(logs.some((chunk) => chunk.text.includes('was interrupted (SIGKILL); continuing the same thread'))).toBe(true);
  });
});

describe('restart: the process killed after the workspace container was created, before it started', () => {
  it('removes the container that never ran instead of leaving it behind', async () => {
    const durable = createInMemoryTaskStore();
    let crashed = false;
    const fail = () => {
      crashed = true;
      throw new AmpoError('unavailable', 'the process crashed');
    };
    // The kill lands before workspace-created is durable: the engine has a container no event names.
    const store: TaskStore = {
      ...durable,
      append: async (taskId, events, snapshot) =>
        crashed || events.some((event) => event.type === 'workspace-created') ? fail() : durable.append(taskId, events, snapshot),
      appendLogs: async (taskId, chunks) => (crashed ? fail() : durable.appendLogs(taskId, chunks)),
    };
    const world = createFakeWorld({
      store,
      agent: () => ({ edits: { 'src/sum.ts': 'export const sum = (a: number, b: number) => a + b;\n' } }),
      ci: () => ({ conclusion: 'success' }),
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    for (let waited = 0; !crashed && waited < 200; waited++) await new Promise((resolve) => setTimeout(resolve, 5));
    await world.orchestrator.stop();
    const left = await world.runtime.list({ 'ampo.task': id });
    expect(left).toHaveLength(1);
    // Created, never started: Docker lists it as not running.
    await world.runtime.stop(left[0]?.id ?? '');

    const second = world.restart({ instanceId: 'second' }, { store: durable });
    await second.start();
    const task = await world.waitFor(id, ['succeeded', 'failed', 'cancelled'], second);
    expect(task.status).toBe('succeeded');
    expect(await world.runtime.list({ 'ampo.task': id })).toEqual([]);
    await second.stop();
  });
});
