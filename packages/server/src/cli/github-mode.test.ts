import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHubSimulator, type GitHubSimulator, prepareDocker, sampleProject, sampleScenario } from '@ampo/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binFromSource, containersLeft, type Running, run, scriptedAgentFlags, start } from './__fixtures__/child-process.js';

const instanceId = `github-mode-${randomUUID().slice(0, 8)}`;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const webhookSecret = `webhook-${randomUUID()}`;

describe('ampo-server with a GitHub App (against the GitHub simulator)', () => {
  let image: string;
  let sim: GitHubSimulator;
  let server: Running | undefined;
  beforeAll(async () => {
    image = await prepareDocker();
    sim = await createGitHubSimulator({ publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), webhookSecret });
  }, 900_000);
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await sim?.close();
    expect(await containersLeft(instanceId)).toEqual([]);
  });

  it('offers owner/name repositories, takes the App webhooks, and runs a task to a green pull request', async () => {
    sim.createRepo('acme/app', { files: { ...sampleProject, '.ampo/scripted-agent.json': JSON.stringify(sampleScenario) } });
    const data = join(mkdtempSync(join(tmpdir(), 'ampo-github-mode-')), 'data');
    const env = {
      GITHUB_APP_ID: String(sim.appId),
      // Inline, with its newlines written as \n, as secret stores often keep it.
      GITHUB_APP_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().replaceAll('\n', '\\n'),
      GITHUB_WEBHOOK_SECRET: webhookSecret,
      GITHUB_API_URL: sim.url,
    };
    server = start(
      [...binFromSource, 'start', '--data-dir', data, '--port', '0', '--repo', 'acme/app', ...scriptedAgentFlags(image, instanceId)],
      {
        env,
      },
    );
    const [, url = ''] = await server.line(/^ampo is listening at (\S+)$/);
    // Printed after the line above, maybe in a later chunk of the pipe.
    await server.line(new RegExp(`GitHub App ${sim.appId}: tasks run against GitHub repositories \\(owner/name\\)`));
    sim.setWebhookUrl(`${url}/api/webhooks/github`);
    const token = (await run([...binFromSource, 'token', '--data-dir', data, '--scope', 'tasks:write'])).stdout;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    expect(await (await fetch(`${url}/api/repositories`, { headers })).json()).toEqual({ repositories: ['acme/app'], mode: 'github' });
    const unsigned = await fetch(`${url}/api/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': 'sha256=00',
      },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);

    const created = await fetch(`${url}/api/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ repo: 'acme/app', prompt: 'Let sum take an offset' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    type TaskView = { status: string; pullRequest?: { number: number } };
    let task: TaskView;
    do {
      await new Promise((resolve) => setTimeout(resolve, 500));
      task = (await (await fetch(`${url}/api/tasks/${id}`, { headers })).json()) as TaskView;
    } while (!['succeeded', 'failed', 'cancelled'].includes(task.status));
    expect(task.status).toBe('succeeded');
    const [pull] = sim.pullRequests('acme/app');
    expect(pull?.number).toBe(task.pullRequest?.number);
    // GitHub's deliveries for the pushes and CI reached the server, verified with the App's secret.
    expect(sim.deliveries.length).toBeGreaterThan(0);
    expect(sim.deliveries.every((delivery) => delivery.status === 202)).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect([server.lines.join('\n'), server.stderr()].join('\n')).not.toContain(webhookSecret);
  }, 300_000);
});
