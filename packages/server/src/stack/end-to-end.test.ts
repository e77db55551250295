import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveServerMessage, OrchestratorEvent, Task } from '@ampo/core';
import { containersLabelled, createBareRepository, prepareDocker, sampleProject, sampleScenario } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../auth/tokens.js';
import { createServer } from '../create-server.js';
import { eventsOf, openLive } from '../test-support/live-client.js';
import { createApiClient, openApiCheckerFor } from '../test-support/test-server.js';
import { createEmbeddedStack } from './create-embedded-stack.js';

const testRun = randomUUID();
const containers = () => containersLabelled(`ampo.test-run=${testRun}`).join(' ');

describe('the server with its embedded defaults: Docker, SQLite, local git and checks, the scripted agent', () => {
  let image: string;
  beforeAll(async () => {
    image = await prepareDocker();
  }, 900_000);
  afterAll(() => expect(containers()).toBe(''));

  it('takes a task over REST and streams it over the WebSocket from red, through the digest, to green', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ampo-server-e2e-'));
    const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(sampleScenario)}\n` });
    const stack = await createEmbeddedStack({
      image,
      dataDirectory: join(root, 'data'),
      repositoryRoots: [repository.root],
      agents: { amp: { binary: 'ampo-scripted-agent' } },
      labels: { 'ampo.test-run': testRun },
    });
    const secret = new Uint8Array(randomBytes(32));
    const server = createServer({ ...stack.serverSettings, auth: { secret } });
    const listening = await server.listen({ port: 0 });
    await stack.orchestrator.start();
    const token = (await createTokenService({ secret }).issue({ subject: 'e2e', scopes: ['tasks:write'], use: 'access', ttlSeconds: 3600 }))
      .token;
    const api = createApiClient(listening.url, token, await openApiCheckerFor(listening.url));
    const live = await openLive(listening.url, { token });
    try {
      expect((await api('GET', '/api/ready', { token: null })).status).toBe(200);
      const created = await api<Task>('POST', '/api/tasks', {
        body: { repo: 'app.git', prompt: 'Let sum take an offset', maxCiAttempts: 3 },
      });
      expect(created.status).toBe(201);
      expect(created.body.request.repo).toBe(join(repository.root, 'app.git'));
      live.send({ type: 'subscribe', id: 'task', taskId: created.body.id });
      const ended = (message: LiveServerMessage) =>
        message.type === 'event' &&
        message.event.type === 'task-status-changed' &&
        ['succeeded', 'failed', 'cancelled'].includes(message.event.to);
      await live.waitFor(ended, 240_000);
      // The workspace is removed after the terminal status: its event is the last one.
      await live.waitFor((message) => message.type === 'event' && message.event.type === 'workspace-removed', 60_000);

      const events = eventsOf(live.messages, 'task');
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const kinds = (type: OrchestratorEvent['type']) => events.filter((event) => event.type === type);
      expect(kinds('ci-run-end').map((event) => event.type === 'ci-run-end' && event.conclusion)).toEqual(['failure', 'success']);
      const feedback = kinds('agent-turn-started').find((event) => event.type === 'agent-turn-started' && event.reason === 'ci-feedback');
      const digest = feedback?.type === 'agent-turn-started' ? feedback.prompt : '';
      expect(digest).toContain('sum adds two numbers');
      expect(digest).toContain('Unexpected var');
      expect(events.at(-2)).toMatchObject({ type: 'task-status-changed', to: 'succeeded' });
      expect(events.at(-1)).toMatchObject({ type: 'workspace-removed' });

      const task = await api<Task>('GET', `/api/tasks/${created.body.id}`);
      expect(task.body.status).toBe('succeeded');
      expect(task.body.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']);
      expect(task.body.attempts[0]?.digest).toBe(digest);
      const stored = await api<{ events: OrchestratorEvent[] }>('GET', `/api/tasks/${created.body.id}/events?limit=1000`);
      expect(stored.body.events).toEqual(events);
      const logs = await api<{ logs: Array<{ text: string }> }>('GET', `/api/tasks/${created.body.id}/logs?limit=1000`);
      expect(logs.body.logs.map((chunk) => chunk.text).join('')).toContain('[scripted agent]');
      expect(JSON.stringify(logs.body)).not.toContain(stack.local?.git.token ?? 'no git token');
    } finally {
      await live.close();
      for (let waited = 0; containers() !== '' && waited < 150; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
      await listening.close();
      await server.close();
      await stack.close();
    }
  }, 300_000);
});
