import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replay, type TaskStatus } from '@ampo/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readWorld } from './__fixtures__/durable-world.js';
import { createSqliteStore } from './create-sqlite-store.js';

const childScript = fileURLToPath(new URL('./__fixtures__/crash-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'ampo-store-crash-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line that starts with `prefix`. */
  line(prefix: string): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

const startChild = (args: string[]): Child => {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], { cwd: repoRoot });
  let output = '';
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  child.stdout.on('data', (data) => {
    output += data;
    for (const line of output.split('\n')) {
      for (const waiter of waiters.filter((candidate) => line.startsWith(candidate.prefix))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr.on('data', (data) => {
    output += data;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, output })),
  );
  return {
    process: child,
    line: (prefix) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ prefix, resolve });
        void exited.then(({ code, output: all }) => reject(new Error(`the child exited (${code}) before printing "${prefix}":\n${all}`)));
      }),
    exited,
  };
};

// Each case holds the first task at one step, right after (or, for agent-start, before) the step's
// side effect and before the orchestrator records it; the second task waits in the queue.
const cases: Array<[hold: string, heldStatus: TaskStatus]> = [
  ['workspace-created:1', 'provisioning'],
  ['cloned:1', 'cloning'],
  ['agent-start:1', 'agent-running'],
  ['agent-output:1', 'agent-running'],
  ['pushed:1', 'pushing'],
  ['pull-request-opened:1', 'pushing'],
  ['ci-watching:1', 'ci-waiting'],
  ['agent-start:2', 'feedback'],
  ['pushed:2', 'pushing'],
  ['ci-watching:2', 'ci-waiting'],
];

describe('crash recovery: an orchestrator process SIGKILLed mid-task, then started again on the same file', () => {
  const statusesAtKill = new Set<TaskStatus>();

  /** Runs a first process until it holds at `hold`, SIGKILLs it, and returns the statuses it left. */
  const killAt = async (filename: string, worldFile: string, hold: string) => {
    const first = startChild([filename, worldFile, 'create', hold]);
    // Both: the held step, and both tasks created (the first may reach its hold before the second exists).
    await Promise.all([first.line(`held ${hold.replace(':', ' ')}`), first.line('started')]);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = await createSqliteStore({ filename });
    const killed = (await atKill.listUnfinished()).map((task) => task.status);
    await atKill.close();
    return killed;
  };

  /** Runs a second process on the same files to its end and checks what the two left behind. */
  const resumeAndCheck = async (filename: string, worldFile: string) => {
    const second = startChild([filename, worldFile, 'resume']);
    const { code, output } = await second.exited;
    expect(code, output).toBe(0);
    expect(output).toContain('finished');

    const store = await createSqliteStore({ filename });
    const { tasks } = await store.listTasks();
    expect(tasks).toHaveLength(2);
    const world = readWorld(worldFile);
    const remote = world.remotes.get('fake://acme/app');
    for (const task of tasks) {
      expect(task.status).toBe('succeeded');
      expect(task.workspaceRemoved).toBe(true);
      expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);
      const events = await store.readEvents(task.id);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      // Nothing lost: the stored snapshot is exactly the fold of the stored events.
      expect(replay(events)).toEqual(task);
      const lines = events.flatMap((event) => (event.type === 'agent-output' ? [`${event.turn}:${event.line}`] : []));
      expect(new Set(lines).size).toBe(lines.length);
      expect(events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);
      const logs = await store.readLogs(task.id);
      expect(logs.map((log) => log.seq)).toEqual(logs.map((_, index) => index + 1));
      // No duplicated effect: one container, two pushes of two different commits, one pull request.
      expect(world.created[task.id]).toBe(1);
      const pushes = (remote?.pushes ?? []).filter((push) => push.branch === task.branch).map((push) => push.sha);
      expect(pushes).toHaveLength(2);
      expect(new Set(pushes).size).toBe(2);
      expect(pushes.at(-1)).toBe(task.headSha);
      expect(world.pullRequests.filter((pull) => pull.head === task.branch)).toHaveLength(1);
      expect(task.pullRequest?.number).toBe(world.pullRequests.find((pull) => pull.head === task.branch)?.number);
    }
    expect(world.workspaces.size).toBe(0);
    await store.close();
  };

  const files = (hold: string) =>
    [join(directory, `${hold.replace(':', '-')}.db`), join(directory, `${hold.replace(':', '-')}.world.json`)] as const;

  it.each(cases)(
    'killed at %s (task in %s): every task finishes, nothing lost or done twice',
    { timeout: 90_000 },
    async (hold, heldStatus) => {
      const [filename, worldFile] = files(hold);
      const killed = await killAt(filename, worldFile, hold);
      expect(killed).toEqual([heldStatus, 'queued']);
      for (const status of killed) statusesAtKill.add(status);
      await resumeAndCheck(filename, worldFile);
    },
  );

  // `start()` removes the workspaces of finished tasks whose removal a crash cut short.
  it('killed at workspace-remove:1 (task finished, its workspace not yet removed): the workspace is removed', {
    timeout: 90_000,
  }, async () => {
    const [filename, worldFile] = files('workspace-remove:1');
    // The first task has finished; the second took its slot and runs on while the removal is held,
    // so it may be anywhere in its lifecycle when the kill comes.
    const killed = await killAt(filename, worldFile, 'workspace-remove:1');
    expect(killed.length).toBeLessThanOrEqual(1);
    await resumeAndCheck(filename, worldFile);
  });

  it('the kills covered every unfinished phase of the lifecycle', () => {
    expect([...statusesAtKill].sort()).toEqual(['agent-running', 'ci-waiting', 'cloning', 'feedback', 'provisioning', 'pushing', 'queued']);
  });
});
