import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createBareRepository } from '@ampo/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitHttpServer } from './git-http-server.js';

const run = promisify(execFile);

describe('createGitHttpServer', async () => {
  const server = await createGitHttpServer();
  afterAll(() => server.close());
  const repository = createBareRepository({ 'README.md': 'hello\n' });

  it('clones and pushes over smart HTTP with the token given only through the environment', async () => {
    const url = server.serve(repository.bare);
    expect(url).not.toContain(server.token);
    const checkout = join(mkdtempSync(join(tmpdir(), 'ampo-clone-')), 'repo');
    const env = { ...process.env, ...server.authEnv() };
    await run('git', ['clone', '--quiet', url, checkout], { env });
    expect(readFileSync(join(checkout, 'README.md'), 'utf8')).toBe('hello\n');
    await run('git', ['-C', checkout, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--allow-empty', '-q', '-m', 'x'], { env });
    await run('git', ['-C', checkout, 'push', '--quiet', url, 'HEAD:refs/heads/feature'], { env });
    const { stdout } = await run('git', ['-C', checkout, 'rev-parse', 'HEAD']);
    expect(repository.git('rev-parse', 'feature')).toBe(stdout.trim());
  });

  it('refuses git without the token', async () => {
    const url = server.serve(repository.bare);
    const attempt = run('git', ['ls-remote', url], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    await expect(attempt).rejects.toThrow(/401|Authentication failed|could not read Username/);
  });

  it('serves only registered repositories', async () => {
    const response = await fetch(`${server.url}/r999/app.git/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Basic ${Buffer.from(`x-access-token:${server.token}`).toString('base64')}` },
    });
    expect(response.status).toBe(404);
  });
});
