import { execFile } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createManualClock } from '@ampo/core/testing';
import { verify } from '@octokit/webhooks-methods';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubSimulator, type GitHubSimulator } from './github-simulator.js';

const run = promisify(execFile);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const jwt = (appId: number, nowMs: number, key = privateKey) => {
  const now = Math.floor(nowMs / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 60, exp: now + 540, iss: appId })}`;
  const signer = createSign('RSA-SHA256');
  signer.update(unsigned);
  return `${unsigned}.${signer.sign(key).toString('base64url')}`;
};

let sim: GitHubSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
  const response = await fetch(`${sim?.url}${path}`, {
    ...init,
    headers: {
      accept: 'application/vnd.github+json',
      ...(init.token ? { authorization: `token ${init.token}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
};

const installationToken = async (clockNow: number) => {
  const found = await api('/repos/acme/widgets/installation', { headers: { authorization: `bearer ${jwt(4242, clockNow)}` } });
  expect(found.status).toBe(200);
  const minted = await api(`/app/installations/${found.body.id}/access_tokens`, {
    method: 'POST',
    headers: { authorization: `bearer ${jwt(4242, clockNow)}` },
  });
  expect(minted.status).toBe(201);
  return minted.body.token as string;
};

describe('GitHub simulator', () => {
  it('verifies App JWTs: signature, issuer and expiry', async () => {
    const clock = createManualClock(Date.now());
    sim = await createGitHubSimulator({ publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), clock });
    sim.createRepo('acme/widgets');
    const ok = await api('/repos/acme/widgets/installation', { headers: { authorization: `bearer ${jwt(4242, clock.now())}` } });
    expect(ok.status).toBe(200);
    expect(ok.body.app_id).toBe(4242);
    const forged = await api('/repos/acme/widgets/installation', {
      headers: { authorization: `bearer ${jwt(4242, clock.now(), otherKey)}` },
    });
    expect(forged.status).toBe(401);
    const wrongApp = await api('/repos/acme/widgets/installation', { headers: { authorization: `bearer ${jwt(1, clock.now())}` } });
    expect(wrongApp.status).toBe(401);
    const old = jwt(4242, clock.now());
    await clock.advance(11 * 60_000);
    const expired = await api('/repos/acme/widgets/installation', { headers: { authorization: `bearer ${old}` } });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/exp/);
  });

  it('expires installation tokens with the clock and serves git only to valid tokens', async () => {
    const clock = createManualClock(Date.now());
    sim = await createGitHubSimulator({ publicKey, clock });
    const { sha } = sim.createRepo('acme/widgets', { files: { 'a.txt': 'a\n' } });
    const token = await installationToken(clock.now());
    expect((await api('/repos/acme/widgets/pulls', { token })).status).toBe(200);

    const dir = mkdtempSync(join(tmpdir(), 'sim-clone-'));
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
    const gitEnv = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: header,
    };
    try {
      await run('git', ['clone', '-q', `${sim.url}/acme/widgets.git`, join(dir, 'w')], { env: gitEnv });
      expect(readFileSync(join(dir, 'w', 'a.txt'), 'utf8')).toBe('a\n');
      expect((await run('git', ['rev-parse', 'HEAD'], { cwd: join(dir, 'w') })).stdout.trim()).toBe(sha);
      await expect(
        run('git', ['clone', '-q', `${sim.url}/acme/widgets.git`, join(dir, 'x')], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }),
      ).rejects.toThrow();
      await clock.advance(3_600_001);
      expect((await api('/repos/acme/widgets/pulls', { token })).status).toBe(401);
      await expect(run('git', ['clone', '-q', `${sim.url}/acme/widgets.git`, join(dir, 'y')], { env: gitEnv })).rejects.toThrow(
        /could not read Username|401|Authentication failed/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes scripted CI, paginates with Link, answers 304 to a matching ETag and redirects job logs', async () => {
    sim = await createGitHubSimulator({
      publicKey,
      ci: (push) =>
        push.branch === 'feature'
          ? Array.from({ length: 35 }, (_, index) => ({
              name: `job-${index}`,
              conclusion: index === 3 ? 'failure' : 'success',
              log: index === 3 ? 'npm test\n##[error]Process completed with exit code 1.' : undefined,
            }))
          : [{ name: 'test', conclusion: 'success' }],
    });
    sim.createRepo('acme/widgets');
    const sha = sim.commit('acme/widgets', 'feature', { 'b.txt': 'b' });
    const token = await installationToken(Date.now());
    const first = await api(`/repos/acme/widgets/commits/${sha}/check-runs?filter=latest&per_page=20`, { token });
    expect(first.body.total_count).toBe(35);
    expect(first.body.check_runs).toHaveLength(20);
    expect(first.headers.get('link')).toMatch(/page=2.*rel="next"/);
    const again = await api(`/repos/acme/widgets/commits/${sha}/check-runs?filter=latest&per_page=20`, {
      token,
      headers: { 'if-none-match': first.headers.get('etag') as string },
    });
    expect(again.status).toBe(304);
    expect(sim.counts.notModified).toBe(1);
    const failed = first.body.check_runs.find((run: { name: string }) => run.name === 'job-3');
    expect(failed.conclusion).toBe('failure');
    const redirect = await fetch(`${sim.url}/repos/acme/widgets/actions/jobs/${failed.id}/logs`, {
      headers: { authorization: `token ${token}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const log = await (await fetch(redirect.headers.get('location') as string)).text();
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z npm test\n.*##\[error\]Process completed/m);
    const runs = await api(`/repos/acme/widgets/actions/runs?head_sha=${sha}`, { token });
    expect(runs.body.workflow_runs[0].conclusion).toBe('failure');
    const jobs = await api(`/repos/acme/widgets/actions/runs/${runs.body.workflow_runs[0].id}/jobs?filter=latest&per_page=100`, { token });
    expect(jobs.body.jobs).toHaveLength(35);
    expect((await api(`/repos/acme/widgets/commits/${sha}/check-suites`, { token })).body.check_suites[0].conclusion).toBe('failure');
    expect((await api(`/repos/acme/widgets/commits/${sha}/status`, { token })).body.state).toBe('pending');
  });

  it('injects faults and signs webhooks with the secret', async () => {
    const received: Array<{ event: string; valid: boolean }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', async () => {
        received.push({
          event: String(request.headers['x-github-event']),
          valid: await verify('s3cret', body, String(request.headers['x-hub-signature-256'])),
        });
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      sim = await createGitHubSimulator({
        publicKey,
        webhookSecret: 's3cret',
        webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      });
      sim.createRepo('acme/widgets');
      await sim.flushWebhooks();
      expect(received.map((delivery) => delivery.event).sort()).toEqual(['check_run', 'check_suite', 'workflow_run']);
      expect(received.every((delivery) => delivery.valid)).toBe(true);
      const token = await installationToken(Date.now());
      sim.fault({ path: '/repos/acme/widgets/pulls', status: 403, retryAfter: 7 });
      const limited = await api('/repos/acme/widgets/pulls', { token });
      expect(limited.status).toBe(403);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body.message).toMatch(/secondary rate limit/);
      expect((await api('/repos/acme/widgets/pulls', { token })).status).toBe(200);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
