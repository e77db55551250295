import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeWorld } from '@ampo/core/testing';
import { createBareRepository, prepareDocker, sampleProject } from '@ampo/testkit';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ListeningServer } from '../create-server.js';
import { binFromSource, containersLeft, run, scriptedAgentFlags } from './__fixtures__/child-process.js';
import { secretOf } from './data-directory.js';

const bin = (...args: string[]) => [...binFromSource, ...args];
const instanceId = `bin-${randomUUID().slice(0, 8)}`;
const dataDirectory = () => join(mkdtempSync(join(tmpdir(), 'ampo-bin-')), 'data');

/** A real server over the data directory's secret (on in-memory ports), to hand the bin's credentials to. */
const serverOn = async (directory: string): Promise<ListeningServer> =>
  createServer({
    orchestrator: createFakeWorld({ agent: () => ({}), ci: () => ({ conclusion: 'success' }) }).orchestrator,
    auth: { secret: secretOf(directory) },
    rateLimit: false,
  }).listen({ port: 0 });

describe('ampo-server, the bin', () => {
  const servers: ListeningServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
    expect(await containersLeft(instanceId)).toEqual([]);
  });

  it('explains itself, and refuses wrong usage with one line per bad value and exit status 2', async () => {
    const help = await run(bin('--help'));
    expect(help.code).toBe(0);
    for (const command of ['ampo-server [start]', 'ampo-server run --repo', 'ampo-server token', 'ampo-server login-link'])
      expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('--port PORT (AMPO_PORT)');
    expect(help.stdout).toContain('GITHUB_APP_PRIVATE_KEY_PATH');

    const wrong = await run(bin('start', '--port', '70000', '--concurrency', 'many'), { env: { AMPO_HOST: 'not a host' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr.split('\n').filter((line) => line.startsWith('ampo-server: '))).toEqual([
      'ampo-server: --concurrency "many": must be a whole number from 1 to 256',
      'ampo-server: --port "70000": must be a whole number from 0 to 65535',
      'ampo-server: AMPO_HOST "not a host": must be a host name or an IP address, like 127.0.0.1, 0.0.0.0 or ::1',
    ]);
    expect((await run(bin('deploy'))).stderr).toContain('Unknown command "deploy": the commands are start, run, token, login-link.');
  });

  it('token prints the JWT alone, with the scope and lifetime asked for, and the server takes it', async () => {
    const directory = dataDirectory();
    const { code, stdout, stderr } = await run(
      bin('token', '--data-dir', directory, '--scope', 'tasks:write', '--ttl', '30m', '--subject', 'ci-bot'),
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = decodeJwt(stdout);
    expect(claims).toMatchObject({ sub: 'ci-bot', scope: 'tasks:write' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(1800);

    const server = await serverOn(directory);
    servers.push(server);
    const session = await fetch(`${server.url}/api/auth/session`, { headers: { authorization: `Bearer ${stdout}` } });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ subject: 'ci-bot', scopes: expect.arrayContaining(['tasks:write', 'tasks:read']) });
    const admin = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${stdout}` } });
    expect(admin.status).toBe(403);
  });

  it('token refuses, on stderr and with nothing on stdout, when an identity provider signs the tokens', async () => {
    const refused = await run(bin('token', '--data-dir', dataDirectory()), { env: { AMPO_JWKS_URL: 'https://idp.example.com/jwks' } });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('takes bearer tokens from the identity provider at AMPO_JWKS_URL (https://idp.example.com/jwks)');
  });

  it('login-link prints a fresh one-time link that the running server redeems once', async () => {
    const directory = dataDirectory();
    const server = await serverOn(directory);
    servers.push(server);
    const { code, stdout } = await run(bin('login-link', '--data-dir', directory, '--port', String(server.port)));
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${server.url}/api/auth/login\\?code=[\\w.-]+$`));
    const first = await fetch(stdout, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(/^ampo_session=.+HttpOnly.+SameSite=Strict/i);
    expect((await fetch(stdout, { redirect: 'manual' })).status).toBe(401);
  });

  describe('says what is missing instead of failing later', () => {
    let image: string;
    beforeAll(async () => {
      image = await prepareDocker();
    }, 900_000);

    const startWith = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      run(bin('start', '--data-dir', dataDirectory(), '--port', '0', ...args), {
        env: { AMP_API_KEY: '', ANTHROPIC_API_KEY: '', CODEX_API_KEY: '', AMPO_AGENT_BINARY: '', ...env },
      });

    it('no agent, no Docker engine, no worker image', async () => {
      const noAgent = await startWith(['--image', image]);
      expect(noAgent.code).toBe(1);
      expect(noAgent.stderr).toContain('No agent can run: set AMP_API_KEY');

      const noEngine = await startWith(['--agent-binary', 'ampo-scripted-agent'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
      expect(noEngine.code).toBe(1);
      expect(noEngine.stderr).toContain('No Docker engine answers at unix:///nonexistent/docker.sock');
      expect(noEngine.stderr).toContain('DOCKER_HOST');

      const missing = `ampo-missing-${randomBytes(4).toString('hex')}:1`;
      const noImage = await startWith(['--agent-binary', 'ampo-scripted-agent', '--image', missing]);
      expect(noImage.code).toBe(1);
      expect(noImage.stderr).toContain(`The worker image ${missing} is not on this Docker engine`);
      expect(noImage.stderr).toMatch(new RegExp(`docker build -t ${missing} \\S+/adapter-docker/worker-image`));
      expect(noImage.stderr).toContain('build-test-image.ts');
    }, 120_000);

    it('a repository to offer that is outside the repository roots, or is no repository', async () => {
      const root = mkdtempSync(join(tmpdir(), 'ampo-roots-'));
      mkdirSync(join(root, 'empty'));
      const outside = createBareRepository(sampleProject);
      const refused = await startWith([
        '--agent-binary',
        'ampo-scripted-agent',
        '--image',
        image,
        '--repo-root',
        root,
        '--repo',
        outside.bare,
        '--repo',
        'empty',
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `Repository ${outside.bare} cannot be offered: ${outside.bare} is outside the allowed repository roots`,
      );
      expect(refused.stderr).toContain(`Repository empty cannot be offered: ${join(root, 'empty')} is not a git repository.`);
    }, 120_000);

    it('run exits 1 when the task fails, saying why, and when the repository is refused', async () => {
      const scenario = { steps: [{ files: { 'src/sum.js': '// half done\n' }, end: 'exit', exitCode: 3 }] };
      const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': JSON.stringify(scenario) });
      const runIn = (...args: string[]) =>
        run(bin('run', '--data-dir', dataDirectory(), ...scriptedAgentFlags(image, instanceId), ...args));
      const failed = await runIn('--repo-root', repository.root, '--repo', 'app.git', 'Let sum take an offset');
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/^status {3}agent-running$/m);
      expect(failed.stdout).toMatch(/^status {3}failed: .*(without a result|no result)/im);
      expect(failed.stdout).toMatch(/^done {5}the task failed: /m);

      const elsewhere = mkdtempSync(join(tmpdir(), 'ampo-elsewhere-'));
      const refused = await runIn('--repo-root', elsewhere, '--repo', repository.bare, 'Let sum take an offset');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`The task was refused: ${repository.bare} is outside the allowed repository roots`);
    }, 300_000);
  });
});
