import { describe, expect, it } from 'vitest';
import { AmpoError } from '../errors.js';
import { createInMemoryTaskStore } from '../testing/in-memory-task-store.js';
import { createFakeWorld } from '../testing/orchestrator-harness.js';

const fixedSum = 'export const sum = (a: number, b: number) => a + b;\n';
const idle = () => createFakeWorld({ agent: () => ({ edits: { 'src/sum.ts': fixedSum } }), ci: () => ({ conclusion: 'success' }) });

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!AmpoError.isInstance(error)) throw new Error(`expected an AmpoError, got ${String(error)}`);
  return error;
};

describe('createTask', () => {
  it('with an idempotency key, a retry returns the same task, also when the retries race', async () => {
    const world = idle();
    const request = { repo: world.repo, prompt: 'Fix sum', labels: { team: 'web' } };
    const [first, second] = await Promise.all([
      world.orchestrator.createTask(request, { idempotencyKey: 'retry-1' }),
      world.orchestrator.createTask({ ...request }, { idempotencyKey: 'retry-1' }),
    ]);
    const third = await world.orchestrator.createTask(
      { labels: { team: 'web' }, prompt: 'Fix sum', repo: world.repo },
      { idempotencyKey: 'retry-1' },
    );
    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    expect((await world.store.listTasks()).tasks).toHaveLength(1);
    const other = await world.orchestrator.createTask(request, { idempotencyKey: 'retry-2' });
    expect(other.id).not.toBe(first.id);
  });

  it('the same key with a different request is a conflict that names the first task', async () => {
    const world = idle();
    const first = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' }, { idempotencyKey: 'k' });
    const error = await rejection(world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix product' }, { idempotencyKey: 'k' }));
    expect(error.code).toBe('conflict');
    expect(error.details).toEqual({ taskId: first.id });
  });

  it('a key created by another orchestrator on the same store is found, not duplicated', async () => {
    const store = createInMemoryTaskStore();
    const world = createFakeWorld({ agent: () => ({ edits: { 'src/sum.ts': fixedSum } }), ci: () => ({ conclusion: 'success' }), store });
    const other = world.restart();
    const first = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' }, { idempotencyKey: 'shared' });
    const again = await other.createTask({ repo: world.repo, prompt: 'Fix sum' }, { idempotencyKey: 'shared' });
    expect(again.id).toBe(first.id);
  });

  it('rejects keys that are empty, too long or contain spaces', async () => {
    const world = idle();
    for (const key of ['', 'a'.repeat(201), 'has space', 'tab\there', 'é']) {
      expect((await rejection(world.orchestrator.createTask({ repo: world.repo, prompt: 'x' }, { idempotencyKey: key }))).code).toBe(
        'invalid-input',
      );
    }
    expect((await world.store.listTasks()).tasks).toHaveLength(0);
  });

  it('asks the source host to resolve the repository and records its answer; a refusal stores nothing', async () => {
    const world = idle();
    const asked: string[] = [];
    world.source.resolveRepo = async (repo) => {
      asked.push(repo);
      if (repo.startsWith('-')) throw new AmpoError('invalid-input', `${repo} looks like an option, not a repository.`);
      return repo === 'app' ? world.repo : repo;
    };
    const task = await world.orchestrator.createTask({ repo: 'app', prompt: 'Fix sum' });
    expect(task.request.repo).toBe(world.repo);
    const refused = await rejection(world.orchestrator.createTask({ repo: '--upload-pack=touch /tmp/x', prompt: 'x' }));
    expect(refused.code).toBe('invalid-input');
    expect(refused.message).toContain('looks like an option');
    expect(asked).toEqual(['app', '--upload-pack=touch /tmp/x']);
    expect((await world.store.listTasks()).tasks.map((listed) => listed.id)).toEqual([task.id]);
    expect((await world.waitFor(task.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
});

describe('CI attempts', () => {
  it('keep the digest each failed attempt sent to the agent', async () => {
    const world = createFakeWorld({
      agent: ({ turnNumber }) => ({ edits: { 'src/sum.ts': turnNumber === 1 ? '// wrong\n' : fixedSum } }),
      ci: (_target, watch) =>
        watch === 1
          ? { conclusion: 'failure', failures: [{ check: 'test', kind: 'test', file: 'src/sum.test.ts', line: 3, message: 'expected 3' }] }
          : { conclusion: 'success' },
    });
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    const task = await world.waitFor(id, ['succeeded', 'failed']);
    const feedback = (await world.store.readEvents(id)).find(
      (event) => event.type === 'agent-turn-started' && event.reason === 'ci-feedback',
    );
    expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);
    expect(task.attempts[0]?.digest).toBe(feedback?.type === 'agent-turn-started' ? feedback.prompt : 'no feedback turn');
    expect(task.attempts[0]?.digest).toContain('src/sum.test.ts:3');
    expect(task.attempts[1]?.digest).toBeUndefined();
  });
});
