import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime } from '@ampo/adapter-docker';
import { ampDriver, createOrchestrator, type LiveServerMessage, type OrchestratorEvent, type Task } from '@ampo/core';
import { createSqliteStore } from '@ampo/store-sqlite';
import { containersLabelled, prepareDocker, sampleProject } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../auth/tokens.js';
import { createServer } from '../create-server.js';
import { type GitHubFixture, startGitHubFixture } from '../test-support/github-fixture.js';
import { eventsOf, openLive } from '../test-support/live-client.js';

const testRun = randomUUID();
const containers = () => containersLabelled(`ampo.test-run=${testRun}`).join(' ');

/** The agent's first turn fixes nothing much; a reviewer's comment gets a change of its own. */
const scenario = {
  steps: [
    {
      name: 'review-follow-up',
      when: 'commented on pull request',
      files: { 'CHANGELOG.md': '- sum handles negative numbers\n' },
      messages: ['[scripted agent] Did what the reviewer asked.'],
    },
    {
      name: 'first-attempt',
      files: { 'src/sum.js': 'export const sum = (a, b) => a + b + 0;\n' },
      messages: ['[scripted agent] First change.'],
    },
  ],
};

describe('the server with a GitHub App (the simulator), Docker, SQLite and the scripted agent', () => {
  let github: GitHubFixture;
  let image: string;
  beforeAll(async () => {
    image = await prepareDocker();
    github = await startGitHubFixture();
  }, 900_000);
  afterAll(async () => {
    await github?.close();
    expect(containers()).toBe('');
  });

  it('a writer’s comment during CI reaches the same agent thread and produces a new push; a reader’s does not', async () => {
    const { sim, app } = github;
    sim.createRepo('acme/app', { files: { ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario)}\n` } });
    sim.setCollaborator('acme/app', 'writer', 'write');
    sim.setCollaborator('acme/app', 'reader', 'read');
    sim.setCi((push) =>
      push.branch === 'main'
        ? [{ name: 'test', conclusion: 'success' }]
        : { checks: [{ name: 'test', conclusion: 'success' }], hold: true },
    );

    const runtime = createDockerRuntime({
      image,
      network: 'host',
      labels: { 'ampo.test-run': testRun },
      instanceId: `server-gh-${testRun.slice(0, 8)}`,
    });
    const store = await createSqliteStore({ filename: join(mkdtempSync(join(tmpdir(), 'ampo-server-gh-')), 'ampo.db') });
    const orchestrator = createOrchestrator(
      { runtime, agents: { amp: ampDriver({ binary: 'ampo-scripted-agent' }) }, source: app.source, ci: app.ci, store },
      { instanceId: `server-gh-${testRun.slice(0, 8)}` },
    );
    const secret = new Uint8Array(32).map((_, index) => index + 7);
    const server = createServer({ orchestrator, auth: { secret }, github: { webhooks: app.webhooks } });
    const listening = await server.listen({ port: 0 });
    github.deliverTo(`${listening.url}/api/webhooks/github`);
    const token = (await createTokenService({ secret }).issue({ subject: 'e2e', scopes: ['tasks:write'], use: 'access', ttlSeconds: 3600 }))
      .token;
    const live = await openLive(listening.url, { token });
    try {
      const response = await fetch(`${listening.url}/api/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ repo: 'acme/app', prompt: 'Let sum take an offset' }),
      });
      expect(response.status).toBe(201);
      const task = (await response.json()) as Task;
      live.send({ type: 'subscribe', id: 't', taskId: task.id });
      const isEvent =
        (type: OrchestratorEvent['type'], extra: (event: OrchestratorEvent) => boolean = () => true) =>
        (message: LiveServerMessage) =>
          message.type === 'event' && message.event.type === type && extra(message.event);

      const firstRun = await live.waitFor(isEvent('ci-run-started'), 120_000);
      const firstSha = firstRun.type === 'event' && firstRun.event.type === 'ci-run-started' ? firstRun.event.sha : '';
      const [pull] = sim.pullRequests('acme/app');
      if (!pull) throw new Error('no pull request');

      await sim.commentOnPullRequest('acme/app', pull.number, 'reader', '@ampo rewrite it in Rust');
      await sim.flushWebhooks();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(eventsOf(live.messages, 't').filter((event) => event.type === 'message-received')).toEqual([]);

      await sim.commentOnPullRequest('acme/app', pull.number, 'writer', '@ampo please note the change in CHANGELOG.md');
      const messageTurn = await live.waitFor(
        isEvent('agent-turn-started', (event) => event.type === 'agent-turn-started' && event.reason === 'message'),
        60_000,
      );
      expect(messageTurn.type === 'event' && messageTurn.event.type === 'agent-turn-started' && messageTurn.event.prompt).toContain(
        'please note the change',
      );
      const secondRun = await live.waitFor(
        isEvent('ci-run-started', (event) => event.type === 'ci-run-started' && event.sha !== firstSha),
        120_000,
      );
      const secondSha = secondRun.type === 'event' && secondRun.event.type === 'ci-run-started' ? secondRun.event.sha : '';
      sim.completeCi('acme/app', secondSha, { test: { conclusion: 'success' } });
      await live.waitFor(
        isEvent('task-status-changed', (event) => event.type === 'task-status-changed' && event.to === 'succeeded'),
        120_000,
      );

      const events = eventsOf(live.messages, 't');
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const turns = events.filter((event) => event.type === 'agent-turn-started');
      expect(turns.map((event) => event.type === 'agent-turn-started' && event.reason)).toEqual(['initial', 'message']);
      const sessions = new Set(events.flatMap((event) => (event.type === 'agent-session-started' ? [event.sessionId] : [])));
      expect(sessions.size).toBe(1);
      expect(events.filter((event) => event.type === 'workspace-created')).toHaveLength(1);
      const pushes = events.filter((event) => event.type === 'branch-pushed' && event.changed);
      expect(pushes.map((event) => event.type === 'branch-pushed' && event.sha)).toEqual([firstSha, secondSha]);
      expect(sim.pullRequests('acme/app')).toHaveLength(1);
      expect(sim.branchSha('acme/app', task.branch)).toBe(secondSha);
      const messages = events.filter((event) => event.type === 'message-received');
      expect(messages.map((event) => event.type === 'message-received' && event.author)).toEqual(['writer']);
    } finally {
      await live.close();
      for (let waited = 0; containers() !== '' && waited < 150; waited++) await new Promise((resolve) => setTimeout(resolve, 100));
      await listening.close();
      await server.close();
      await orchestrator.stop();
      await store.close();
    }
  }, 300_000);
});
