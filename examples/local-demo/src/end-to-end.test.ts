import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrchestratorEvent, Task, TaskStatus } from '@ampo/core';
import { createEmbeddedStack, type EmbeddedStack } from '@ampo/server';
import { containersLabelled, createBareRepository, prepareDocker, sampleProject, sampleScenario } from '@ampo/testkit';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const testRun = randomUUID();
const containers = (label = `ampo.test-run=${testRun}`) => containersLabelled(label).join(' ');

type Stack = EmbeddedStack;

/** Containers are removed by effects that run after the terminal status is published: give them a moment. */
const containersOfTask = async (taskId: string) => {
  for (let waited = 0; containers(`ampo.task=${taskId}`) !== '' && waited < 150; waited++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return containers(`ampo.task=${taskId}`);
};

const waitFor = async (stack: Stack, taskId: string, statuses: readonly TaskStatus[]): Promise<Task> => {
  const reached = firstValueFrom(
    stack.orchestrator.events$.pipe(
      filter((event) => event.taskId === taskId && event.type === 'task-status-changed' && statuses.includes(event.to)),
    ),
  );
  const now = await stack.store.getTask(taskId);
  if (now && statuses.includes(now.status)) return now;
  await reached;
  return (await stack.store.getTask(taskId)) as Task;
};

describe('the CI feedback loop end to end: Docker, SQLite, local git and checks, the Amp driver and the scripted agent', () => {
  let image: string;
  const stacks: Stack[] = [];
  const newStack = async (scenario: object = sampleScenario, options = {}) => {
    const directory = mkdtempSync(join(tmpdir(), 'ampo-e2e-'));
    const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario)}\n` });
    const stack = await createEmbeddedStack({
      image,
      dataDirectory: directory,
      agents: { amp: { binary: 'ampo-scripted-agent' } },
      labels: { 'ampo.test-run': testRun },
      instanceId: `e2e-${randomUUID().slice(0, 8)}`,
      orchestrator: options,
    });
    stacks.push(stack);
    return { stack, repository };
  };

  beforeAll(async () => {
    image = await prepareDocker();
  }, 900_000);
  afterAll(async () => {
    for (const stack of stacks) await stack.close();
    expect(containers()).toBe('');
  });

  it('goes red on a failing test and a lint error, feeds the digest to the same thread in the same container, and goes green', async () => {
    const { stack, repository } = await newStack();
    const created = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Let sum take an offset', maxCiAttempts: 3 });
    const task = await waitFor(stack, created.id, ['succeeded', 'failed', 'cancelled']);
    expect(task.failure).toBeUndefined();
    expect(task.status).toBe('succeeded');
    expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);

    const events: OrchestratorEvent[] = await stack.store.readEvents(task.id);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));

    // The digest that reached the follow-up turn names the test, the lint rule, file and line.
    const turns = events.filter((event) => event.type === 'agent-turn-started');
    expect(turns.map((turn) => turn.reason)).toEqual(['initial', 'ci-feedback']);
    const feedback = turns[1]?.prompt ?? '';
    expect(feedback).toContain('sum adds two numbers');
    expect(feedback).toContain('at: src/sum.js:1');
    expect(feedback).toContain('at: test/sum.test.js:6');
    expect(feedback).toContain('Unexpected var');
    expect(feedback).toContain('untrusted CI output');

    // Same thread: one session id, seen in both turns' streams. Same container: one workspace.
    const sessions = events
      .filter((event) => event.type === 'agent-output' && event.output.type === 'session')
      .map((event) => (event.type === 'agent-output' && event.output.type === 'session' ? `${event.turn}:${event.output.sessionId}` : ''));
    expect(sessions).toHaveLength(2);
    expect(new Set(sessions.map((entry) => entry.split(':')[1])).size).toBe(1);
    expect(events.filter((event) => event.type === 'agent-session-started')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);

    // The branch holds the fix; a review request exists and shows both attempts.
    expect(repository.git('show', `${task.branch}:src/sum.js`)).toContain('const offset = 0;');
    const [review] = (await stack.local?.source.reviewRequests()) ?? [];
    expect(review).toMatchObject({ head: task.branch, base: 'main', taskId: task.id });
    expect(review?.body).toMatch(/\| 1 \| \w{7} \| failure \|/);
    expect(review?.body).toMatch(/\| 2 \| \w{7} \| success \|/);

    // Nothing of the task is left running.
    expect(await containersOfTask(task.id)).toBe('');
    const logs = await stack.store.readLogs(task.id);
    expect(JSON.stringify([events, logs])).not.toContain(stack.local?.git.token);
  }, 300_000);

  it('stops at the attempt bound when the agent never gets it right', async () => {
    const { stack, repository } = await newStack({
      steps: [
        {
          when: 'CI failed',
          files: { 'src/sum.js': 'var offset = 2;\nexport const sum = (a, b) => a + b + offset;\n' },
          messages: ['[scripted agent] another try'],
        },
        { files: { 'src/sum.js': 'var offset = 1;\nexport const sum = (a, b) => a + b + offset;\n' } },
      ],
    });
    const created = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Let sum take an offset', maxCiAttempts: 2 });
    const task = await waitFor(stack, created.id, ['succeeded', 'failed', 'cancelled']);
    expect(task.status).toBe('failed');
    expect(task.failure?.code).toBe('ci-exhausted');
    expect(task.failure?.reason).toMatch(/after 2 attempts/);
    expect(task.attempts).toHaveLength(2);
    expect(await containersOfTask(task.id)).toBe('');
  }, 300_000);

  it('stops early when the agent does not converge: the same failure twice in a row', async () => {
    const { stack, repository } = await newStack({
      steps: [
        {
          when: 'CI failed',
          files: { 'src/sum.js': 'var offset = 1; // looked at it again\nexport const sum = (a, b) => a + b + offset;\n' },
        },
        { files: { 'src/sum.js': 'var offset = 1;\nexport const sum = (a, b) => a + b + offset;\n' } },
      ],
    });
    const created = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Let sum take an offset', maxCiAttempts: 5 });
    const task = await waitFor(stack, created.id, ['succeeded', 'failed', 'cancelled']);
    expect(task.failure?.code).toBe('not-converging');
    expect(task.attempts).toHaveLength(2);
    expect(task.attempts[0]?.signature).toBe(task.attempts[1]?.signature);
    expect(await containersOfTask(task.id)).toBe('');
  }, 300_000);

  it('kills a check that hangs past its timeout, runs it again uncharged, and ends the task on infrastructure when it keeps hanging', async () => {
    const { stack, repository } = await newStack({
      steps: [{ files: { '.ampo/checks.yml': 'checks:\n  - name: hangs\n    command: sleep 120\n    timeout: 3\n' } }],
    });
    const created = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Speed up the checks' });
    const task = await waitFor(stack, created.id, ['succeeded', 'failed', 'cancelled']);
    expect(task.status).toBe('failed');
    expect(task.failure?.code).toBe('ci-infra');
    expect(task.failure?.reason).toMatch(/3 times in a row[\s\S]*ran past its timeout/);
    // No attempt charged, no feedback turn: the agent had one turn only.
    expect(task.attempts).toEqual([]);
    expect(task.turnsStarted).toBe(1);
    const events = await stack.store.readEvents(task.id);
    const runs = events.filter((event) => event.type === 'ci-run-started');
    expect(runs.map((event) => event.type === 'ci-run-started' && event.rerun?.reason)).toEqual([undefined, 'infra', 'infra']);
    expect(await containersOfTask(task.id)).toBe('');
  }, 300_000);

  it('fails a turn that dies without a result, with the reason', async () => {
    const { stack, repository } = await newStack({ steps: [{ files: { 'src/sum.js': '// half done\n' }, end: 'exit', exitCode: 3 }] });
    const created = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Let sum take an offset' });
    const task = await waitFor(stack, created.id, ['succeeded', 'failed', 'cancelled']);
    expect(task.failure?.code).toBe('agent-error');
    expect(task.failure?.reason).toMatch(/without a result|no result/i);
    expect(await containersOfTask(task.id)).toBe('');
  }, 300_000);

  it('cancels during checks: stops them and removes every container of the task', async () => {
    const { stack, repository } = await newStack({
      steps: [
        {
          files: {
            'src/sum.js': 'export const sum = (a, b) => a + b;\n',
            '.ampo/checks.yml': 'checks:\n  - name: slow\n    command: sleep 300\n',
          },
        },
      ],
    });
    const created = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Make checks slow' });
    await waitFor(stack, created.id, ['ci-waiting']);
    await firstValueFrom(
      stack.orchestrator.events$.pipe(
        filter(
          (event) =>
            event.taskId === created.id &&
            event.type === 'ci-status-changed' &&
            event.checks.some((check) => check.state === 'in_progress'),
        ),
      ),
    );
    await stack.orchestrator.cancelTask(created.id);
    expect(await containersOfTask(created.id)).toBe('');
    expect((await stack.store.getTask(created.id))?.status).toBe('cancelled');
  }, 300_000);
});
