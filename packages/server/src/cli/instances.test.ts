import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveServerMessage, OrchestratorEvent } from '@ampo/core';
import { createBareRepository, fixedChange, prepareDocker, sampleProject, startPostgres, type TestPostgres } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { binFromSource, containersLeft, type Running, run, scriptedAgentFlags, start } from './__fixtures__/child-process.js';

// Several `ampo-server start` processes on one PostgreSQL database, one data directory (the token
// secret, the review requests) and one Docker engine, as a team would run them behind a load balancer.

const bin = (...args: string[]) => [...binFromSource, ...args];
const instanceId = `instances-${randomUUID().slice(0, 8)}`;
const terminal = ['succeeded', 'failed', 'cancelled'];

interface TaskView {
  id: string;
  status: string;
  branch: string;
  headSha?: string;
  attempts: Array<{ conclusion: string }>;
}

const api = async <T>(url: string, token: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
};

/** Every event a live client of one instance receives, for all tasks. */
const followAll = (url: string, token: string) => {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
  const events: OrchestratorEvent[] = [];
  const opened = new Promise<void>((resolve) =>
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe-all', id: 'all' }));
      resolve();
    }),
  );
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveServerMessage;
    if (message.type === 'event') events.push(message.event);
  });
  return { events, opened, close: () => socket.close() };
};

const waitUntil = async (what: string, done: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/** How many times a branch of the bare repository moved (its reflog): one line per push that changed it. */
const pushesOf = (bare: string, branch: string) =>
  execFileSync('git', ['-C', bare, 'reflog', 'show', '--format=%H', `refs/heads/${branch}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

describe('several server instances on one PostgreSQL database and one Docker engine', () => {
  let image: string;
  let postgres: TestPostgres;
  const running: Running[] = [];
  beforeAll(async () => {
    [image, postgres] = await Promise.all([prepareDocker(), startPostgres()]);
  }, 900_000);
  afterAll(async () => {
    for (const server of running) {
      server.child.kill('SIGCONT');
      server.child.kill('SIGKILL');
    }
    await postgres?.stop();
    expect(await containersLeft(instanceId)).toEqual([]);
  });

  const setUp = async (scenario: unknown) => {
    const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario)}\n` });
    execFileSync('git', ['-C', repository.bare, 'config', 'core.logAllRefUpdates', 'always']);
    const database = await postgres.createDatabase();
    const data = join(mkdtempSync(join(tmpdir(), 'ampo-instances-')), 'data');
    const token = (await run(bin('token', '--data-dir', data, '--scope', 'tasks:write'))).stdout;
    const serve = async () => {
      const server = start(
        bin(
          'start',
          '--data-dir',
          data,
          '--port',
          '0',
          '--database',
          database,
          '--lease-ttl',
          '3s',
          '--concurrency',
          '4',
          '--repo-root',
          repository.root,
          ...scriptedAgentFlags(image, instanceId),
        ),
        { env: { AMPO_LOG_LEVEL: 'info' } },
      );
      running.push(server);
      const [, url = ''] = await server.line(/^ampo is listening at (\S+)$/);
      return { server, url };
    };
    return { repository, data, token, serve };
  };

  it('run 30 tasks through the local checks; one is SIGKILLed mid-run: every task goes green once, and a client sees every event', async () => {
    const { repository, data, token, serve } = await setUp({
      steps: [{ name: 'fix', files: fixedChange, delayMs: 1_500, messages: ['[scripted agent] Fixed sum.'] }],
    });
    const [a, b] = await Promise.all([serve(), serve()]);
    const watcher = followAll(b.url, token);
    await watcher.opened;

    const ids: string[] = [];
    for (let index = 0; index < 30; index++) {
      const target = index % 2 === 0 ? a : b;
      const created = await api<{ id: string }>(target.url, token, '/api/tasks', {
        method: 'POST',
        body: JSON.stringify({ repo: 'app.git', prompt: `Fix sum, task ${index}` }),
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const tasks = async () => (await api<{ tasks: TaskView[] }>(b.url, token, '/api/tasks?limit=100')).body.tasks;
    await waitUntil('six tasks succeeded', async () => (await tasks()).filter((task) => task.status === 'succeeded').length >= 6, 300_000);
    const unfinishedAtKill = (await tasks()).filter((task) => !terminal.includes(task.status)).length;
    a.server.child.kill('SIGKILL');
    expect((await a.server.exited).signal).toBe('SIGKILL');
    await waitUntil(
      'every task ended',
      async () => (await tasks()).filter((task) => terminal.includes(task.status)).length === 30,
      420_000,
    );
    expect(unfinishedAtKill).toBeGreaterThan(0);

    const ended = await tasks();
    expect(ended.map((task) => task.status)).toEqual(Array(30).fill('succeeded'));
    const reviews = (JSON.parse(readFileSync(join(data, 'reviews.json'), 'utf8')) as { reviews: Array<{ taskId: string }> }).reviews;
    for (const id of ids) {
      const task = ended.find((candidate) => candidate.id === id) as TaskView;
      expect(task.attempts.map((attempt) => attempt.conclusion)).toEqual(['success']);
      // One push of one commit, and one review request (the local pull request) per task.
      expect(pushesOf(repository.bare, task.branch)).toEqual([task.headSha]);
      expect(reviews.filter((review) => review.taskId === id)).toHaveLength(1);
      const stored = await api<{ events: OrchestratorEvent[] }>(b.url, token, `/api/tasks/${id}/events?limit=500`);
      const seqs = stored.body.events.map((event) => event.seq);
      expect(seqs).toEqual(seqs.map((_, index) => index + 1));
      expect(stored.body.events.filter((event) => event.type === 'task-started')).toHaveLength(1);
      // The client of the surviving instance saw the task's events, once each and in order, whoever wrote them.
      const seen = watcher.events.filter((event) => event.taskId === id).map((event) => event.seq);
      expect(seen).toEqual(seqs);
    }
    watcher.close();
    b.server.child.kill('SIGTERM');
    expect(await b.server.exited).toEqual({ code: 0, signal: null });
  }, 900_000);

  it('fences a stale owner: paused past its lease (SIGSTOP), it finds the task taken over when it resumes (SIGCONT) and stops', async () => {
    const { repository, token, serve } = await setUp({
      steps: [{ name: 'fix', files: fixedChange, delayMs: 8_000, messages: ['[scripted agent] Fixed sum, slowly.'] }],
    });
    const owner = await serve();
    const created = await api<{ id: string }>(owner.url, token, '/api/tasks', {
      method: 'POST',
      body: JSON.stringify({ repo: 'app.git', prompt: 'Fix sum' }),
    });
    const id = created.body.id;
    const status = async (url: string) => (await api<TaskView>(url, token, `/api/tasks/${id}`)).body.status;
    await waitUntil('the agent runs', async () => (await status(owner.url)) === 'agent-running', 120_000);
    const other = await serve();
    owner.server.child.kill('SIGSTOP');
    // Past the 3 s lease: the other instance claims the task and carries the running turn on.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    owner.server.child.kill('SIGCONT');
    await waitUntil('the task ended', async () => terminal.includes(await status(other.url)), 240_000);

    const task = (await api<TaskView>(other.url, token, `/api/tasks/${id}`)).body;
    expect(task.status).toBe('succeeded');
    expect(pushesOf(repository.bare, task.branch)).toEqual([task.headSha]);
    const events = (await api<{ events: OrchestratorEvent[] }>(other.url, token, `/api/tasks/${id}/events?limit=500`)).body.events;
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.type === 'agent-turn-ended')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);
    // The stale owner noticed, by its renewal or by its next write, and stopped its work on the task.
    const said = `${owner.server.lines.join('\n')}\n${owner.server.stderr()}`;
    expect(said).toMatch(/lost the lease of a task: stopping its work here|another instance owns this task now: stopping its work here/);
    // It still serves.
    expect((await fetch(`${owner.url}/api/health`)).status).toBe(200);
    for (const server of [owner, other]) {
      server.server.child.kill('SIGTERM');
      expect((await server.server.exited).code).toBe(0);
    }
  }, 600_000);
});
