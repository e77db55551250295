import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrchestratorEvent } from '@ampo/core';
import { createSqliteStore } from '@ampo/store-sqlite';
import { containersLabelled, createBareRepository, prepareDocker, sampleProject, sampleScenario } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const processScript = fileURLToPath(new URL('./__fixtures__/orchestrator-process.ts', import.meta.url));
const testRun = randomUUID();
const containers = (label: string) => containersLabelled(label).join(' ');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Running {
  child: ChildProcess;
  events: OrchestratorEvent[];
  exited: Promise<number | null>;
  /** Resolves at the first event that matches. */
  until(match: (event: OrchestratorEvent) => boolean): Promise<OrchestratorEvent>;
}

const startProcess = (config: object): Running => {
  // Node itself with tsx as a loader: one process, so SIGKILL hits the orchestrator and nothing else.
  const child = spawn(process.execPath, ['--import', 'tsx', processScript], {
    cwd: repositoryRoot,
    env: { ...process.env, AMPO_PROCESS_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: OrchestratorEvent[] = [];
  const waiters: Array<{ match: (event: OrchestratorEvent) => boolean; resolve: (event: OrchestratorEvent) => void }> = [];
  let rest = '';
  child.stdout?.on('data', (data: Buffer) => {
    const lines = (rest + data.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as OrchestratorEvent;
      events.push(event);
      for (const waiter of [...waiters]) if (waiter.match(event)) waiters.splice(waiters.indexOf(waiter), 1) && waiter.resolve(event);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    events,
    exited,
    until: (match) => {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
};

describe('SIGKILL of the orchestrator process: a new process resumes from SQLite and re-attaches', () => {
  let image: string;
  beforeAll(async () => {
    image = await prepareDocker();
  }, 900_000);
  afterAll(() => {
    expect(containers(`ampo.test-run=${testRun}`)).toBe('');
  });

  const scenario = (slowTurn: boolean) => ({
    steps: sampleScenario.steps.map((step) => (step.name === 'first-attempt' && slowTurn ? { ...step, delayMs: 6_000 } : step)),
  });

  it.each([
    [
      'mid agent turn',
      true,
      (event: OrchestratorEvent) => event.type === 'agent-output' && event.turn === 1 && event.output.type === 'text',
    ],
    [
      'mid checks',
      false,
      (event: OrchestratorEvent) => event.type === 'ci-status-changed' && event.checks.some((check) => check.state === 'in_progress'),
    ],
  ] as const)(
    'killed %s: the task finishes, nothing is lost or pushed twice',
    async (_name, slowTurn, killWhen) => {
      const directory = mkdtempSync(join(tmpdir(), 'ampo-crash-'));
      const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario(slowTurn))}\n` });
      repository.git('config', 'core.logAllRefUpdates', 'always');
      const config = {
        image,
        dataDirectory: directory,
        instanceId: `crash-${randomUUID().slice(0, 8)}`,
        labels: { 'ampo.test-run': testRun },
        gitPort: await freePort(),
        gitToken: randomBytes(16).toString('hex'),
      };

      const first = startProcess({ ...config, createTask: { repo: repository.bare, prompt: 'Let sum take an offset' } });
      await first.until(killWhen);
      first.child.kill('SIGKILL');
      await first.exited;
      const taskId = first.events[0]?.taskId ?? '';

      const second = startProcess(config);
      expect(await second.exited).toBe(0);

      const store = await createSqliteStore({ filename: join(directory, 'ampo.db') });
      const task = await store.getTask(taskId);
      const events = await store.readEvents(taskId);
      const logs = await store.readLogs(taskId);
      await store.close();

      expect(task?.status).toBe('succeeded');
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      // The same workspace and the same two agent turns: the restart re-attached rather than re-ran.
      expect(events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);
      expect(
        events.filter((event) => event.type === 'agent-turn-started').map((event) => event.type === 'agent-turn-started' && event.reason),
      ).toEqual(['initial', 'ci-feedback']);
      // One stdout line may give several outputs, but a replayed line would repeat one exactly.
      const lines = events
        .filter((event) => event.type === 'agent-output')
        .map((event) => (event.type === 'agent-output' ? `${event.turn}:${event.line}:${JSON.stringify(event.output)}` : ''));
      expect(new Set(lines).size).toBe(lines.length);
      if (slowTurn) expect(logs.some((chunk) => chunk.text.includes('re-attached to agent turn 1'))).toBe(true);
      // Each commit reached the branch once.
      const updates = repository
        .git('reflog', 'show', '--format=%H', task?.branch ?? '')
        .split('\n')
        .filter(Boolean);
      expect(updates).toHaveLength(2);
      expect(new Set(updates).size).toBe(2);
      expect(containers(`ampo.task=${taskId}`)).toBe('');
    },
    400_000,
  );
});
