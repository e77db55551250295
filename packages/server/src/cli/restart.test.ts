import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveServerMessage, OrchestratorEvent } from '@ampo/core';
import { containersLabelled, createBareRepository, prepareDocker, sampleProject, sampleScenario } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { binFromSource, containersLeft, type Running, run, scriptedAgentFlags, start } from './__fixtures__/child-process.js';

const bin = (...args: string[]) => [...binFromSource, ...args];
const instanceId = `restart-${randomUUID().slice(0, 8)}`;
/** An agent key that must reach the agent's exec environment and nothing else. */
const agentKey = `amp-key-${randomUUID()}`;

/** A live-socket client that keeps every event it receives and how the socket closed. */
const follow = (url: string, token: string, taskId: string, afterSeq: number) => {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
  const events: OrchestratorEvent[] = [];
  const waiters = new Set<() => void>();
  socket.on('open', () => socket.send(JSON.stringify({ type: 'subscribe', id: 'task', taskId, afterSeq })));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as LiveServerMessage;
    if (message.type === 'event') events.push(message.event);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  return {
    events,
    closed,
    close: () => socket.close(),
    until: (match: (event: OrchestratorEvent) => boolean) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (events.some(match)) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
        void closed.then(() =>
          waiters.has(check) ? reject(new Error(`the socket closed first; events: ${events.map((e) => e.type)}`)) : undefined,
        );
      }),
  };
};

const api = async <T>(url: string, token: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as T };
};

describe('the server stopped by SIGTERM in the middle of an agent turn, started again on the same data directory', () => {
  let image: string;
  const running: Running[] = [];
  beforeAll(async () => {
    image = await prepareDocker();
  }, 900_000);
  afterAll(async () => {
    for (const process of running) process.child.kill('SIGKILL');
    expect(await containersLeft(instanceId)).toEqual([]);
  });

  it('finishes the task, and a live client that resubscribes with its last seq sees every event once', async () => {
    // The first turn takes a while, so SIGTERM lands in it.
    const scenario = { steps: sampleScenario.steps.map((step) => (step.name === 'first-attempt' ? { ...step, delayMs: 5_000 } : step)) };
    const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario)}\n` });
    const data = join(mkdtempSync(join(tmpdir(), 'ampo-restart-')), 'data');
    const serve = () => {
      const server = start(
        bin(
          'start',
          '--data-dir',
          data,
          '--port',
          '0',
          '--repo-root',
          repository.root,
          '--repo',
          'app.git',
          ...scriptedAgentFlags(image, instanceId),
        ),
        { env: { AMP_API_KEY: agentKey } },
      );
      running.push(server);
      return server;
    };
    const token = (await run(bin('token', '--data-dir', data, '--scope', 'tasks:write'))).stdout;

    const first = serve();
    const [, firstUrl = ''] = await first.line(/^ampo is listening at (\S+)$/);
    const created = await api<{ id: string }>(firstUrl, token, '/api/tasks', {
      method: 'POST',
      body: JSON.stringify({ repo: 'app.git', prompt: 'Let sum take an offset' }),
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id;
    const before = follow(firstUrl, token, taskId, 0);
    await before.until((event) => event.type === 'agent-output' && event.turn === 1 && event.output.type === 'text');

    first.child.kill('SIGTERM');
    expect(await before.closed).toBe(1001);
    expect(await first.exited).toEqual({ code: 0, signal: null });
    // The turn was left running, detached, in the task's container.
    const workspaces = containersLabelled(`ampo.task=${taskId}`);
    expect(workspaces).toHaveLength(1);
    const [workspace = ''] = workspaces;
    expect((await run(['docker', 'inspect', workspace])).stdout).not.toContain(agentKey);
    const lastSeq = Math.max(...before.events.map((event) => event.seq));

    const second = serve();
    const [, secondUrl = ''] = await second.line(/^ampo is listening at (\S+)$/);
    const after = follow(secondUrl, token, taskId, lastSeq);
    await after.until((event) => event.type === 'task-status-changed' && ['succeeded', 'failed', 'cancelled'].includes(event.to));
    after.close();

    const seen = [...before.events, ...after.events].map((event) => event.seq);
    expect(seen).toEqual(seen.map((_, index) => index + 1));
    const stored = await api<{ events: OrchestratorEvent[] }>(secondUrl, token, `/api/tasks/${taskId}/events?limit=500`);
    expect(stored.body.events.slice(0, seen.length)).toEqual([...before.events, ...after.events]);

    const task = await api<{ status: string; attempts: Array<{ conclusion: string }> }>(secondUrl, token, `/api/tasks/${taskId}`);
    expect(task.body.status).toBe('succeeded');
    expect(task.body.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);
    // Re-attached to the turn that was running, not started again.
    const turns = stored.body.events.flatMap((event) => (event.type === 'agent-turn-started' ? [event.reason] : []));
    expect(turns).toEqual(['initial', 'ci-feedback']);
    expect(stored.body.events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);
    const logs = await api<{ logs: Array<{ text: string }> }>(secondUrl, token, `/api/tasks/${taskId}/logs?limit=1000`);
    expect(logs.body.logs.some((chunk) => chunk.text.includes('re-attached to agent turn 1'))).toBe(true);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    // The key went to the agent's exec environment only: not to the events, the logs, the database or the server's output.
    const everything = [
      JSON.stringify([stored.body, logs.body, task.body]),
      ...readdirSync(data).map((name) => readFileSync(join(data, name), 'latin1')),
      ...[first, second].flatMap((server) => [server.lines.join('\n'), server.stderr()]),
    ];
    for (const text of everything) expect(text).not.toContain(agentKey);
  }, 400_000);
});
