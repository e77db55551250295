import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createBareRepository } from '@ampo/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitHttpServer } from './git-http-server.js';
import { createLocalSourceHost } from './local-source-host.js';

const git = await createGitHttpServer();
afterAll(() => git.close());

/** A root with a bare repository, a work tree, a plain directory, and links in and out. */
const layout = () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ampo-root-')));
  const outside = createBareRepository({ 'README.md': '# outside\n' });
  const inside = createBareRepository({ 'README.md': '# inside\n' });
  execFileSync('git', ['clone', '--quiet', '--bare', inside.bare, join(root, 'app.git')]);
  execFileSync('git', ['clone', '--quiet', inside.bare, join(root, 'work')]);
  mkdirSync(join(root, 'plain'));
  writeFileSync(join(root, 'plain', 'file.txt'), 'not a repository\n');
  symlinkSync(outside.bare, join(root, 'escape.git'));
  symlinkSync(join(root, 'app.git'), join(root, 'alias.git'));
  const host = createLocalSourceHost({ git, reviewsFile: join(root, '.reviews.json'), allowedRoots: [root] });
  return { root, outside, host };
};

const reason = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: Error & { code?: string }) => thrown,
  );
  expect(error?.code).toBe('invalid-input');
  return error?.message ?? '';
};

describe('a local source host with allowed roots', () => {
  it('takes a bare repository or a work tree inside a root, by relative or absolute path, and links that stay inside', async () => {
    const { root, host } = layout();
    expect(await host.resolveRepo?.('app.git')).toBe(join(root, 'app.git'));
    expect(await host.resolveRepo?.(join(root, 'work'))).toBe(join(root, 'work'));
    expect(await host.resolveRepo?.('work/')).toBe(join(root, 'work'));
    expect(await host.resolveRepo?.('alias.git')).toBe(join(root, 'app.git'));
  });

  it('refuses what leads outside the roots, URLs, options, and what is not a repository, each with its reason', async () => {
    const { root, outside, host } = layout();
    const resolve = (repo: string) => host.resolveRepo?.(repo) ?? Promise.resolve('no resolveRepo');
    expect(await reason(resolve('../'))).toMatch(/outside the allowed repository roots/);
    expect(await reason(resolve(`${root}/../${root.split('/').at(-1)}/../`))).toMatch(/outside the allowed/);
    expect(await reason(resolve(outside.bare))).toMatch(/outside the allowed/);
    expect(await reason(resolve('escape.git'))).toMatch(/outside the allowed/);
    expect(await reason(resolve('file:///etc'))).toMatch(/is a URL/);
    expect(await reason(resolve('https://example.com/a.git'))).toMatch(/is a URL/);
    expect(await reason(resolve('git@example.com:a/b.git'))).toMatch(/is a URL/);
    expect(await reason(resolve('--upload-pack=touch /tmp/pwned'))).toMatch(/looks like a command-line option/);
    expect(await reason(resolve('-oProxyCommand=x'))).toMatch(/looks like a command-line option/);
    expect(await reason(resolve('plain'))).toMatch(/is not a git repository/);
    expect(await reason(resolve('plain/file.txt'))).toMatch(/is not a git repository/);
    expect(await reason(resolve('missing.git'))).toMatch(/no repository at/);
    expect(await reason(resolve('app.git\nother'))).toMatch(/control character/);
    // The remotes refuse the same things: nothing reaches git through another door.
    await expect(host.cloneRemote('../')).rejects.toThrow(/outside the allowed/);
    await expect(host.pushRemote('escape.git', 'ampo/x')).rejects.toThrow(/outside the allowed/);
  });

  it('serves a work tree: a clone through the git server sees its commits and a push adds a branch', async () => {
    const { root, host } = layout();
    const remote = await host.cloneRemote(join(root, 'work'));
    const checkout = join(mkdtempSync(join(tmpdir(), 'ampo-clone-')), 'c');
    // Asynchronous: the git server answers from this very process.
    const run = (...args: string[]) => promisify(execFile)('git', args, { env: { ...process.env, ...remote.env } });
    await run('clone', '--quiet', remote.url, checkout);
    await run('-C', checkout, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '--allow-empty', '-m', 'x');
    await run('-C', checkout, 'push', '--quiet', remote.url, 'HEAD:refs/heads/ampo/x');
    const branches = execFileSync('git', ['-C', join(root, 'work'), 'branch', '--list', 'ampo/*'], { encoding: 'utf8' });
    expect(branches.trim()).toBe('ampo/x');
  });
});

it('without allowed roots, takes URLs and absolute paths but still refuses option-like names', async () => {
  const host = createLocalSourceHost({ git, reviewsFile: join(mkdtempSync(join(tmpdir(), 'ampo-reviews-')), 'r.json') });
  expect(await host.resolveRepo?.('https://example.com/a.git')).toBe('https://example.com/a.git');
  expect(await reason(host.resolveRepo?.('--upload-pack=x') ?? Promise.resolve())).toMatch(/command-line option/);
  expect(await reason(host.resolveRepo?.('relative/path') ?? Promise.resolve())).toMatch(/neither a URL nor an absolute path/);
});
