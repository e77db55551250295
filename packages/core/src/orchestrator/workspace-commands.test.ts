import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitCommands } from './workspace-commands.js';

const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } });

describe("gitCommands' push with real git", () => {
  it('obeys nothing the agent planted in the checkout or its home, so nothing it planted sees the credentials', () => {
    const root = mkdtempSync(join(tmpdir(), 'ampo-push-'));
    const remote = join(root, 'remote.git');
    const checkout = join(root, 'checkout');
    const home = join(root, 'home');
    mkdirSync(home);
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
    git(root, 'init', '--quiet', '--initial-branch=main', checkout);
    writeFileSync(join(checkout, 'file.txt'), 'work\n');
    git(checkout, 'add', '-A');
    git(checkout, 'commit', '--quiet', '-m', 'work');
    const sha = git(checkout, 'rev-parse', 'HEAD').trim();
    // A hook that records the secret, in .git/hooks and in a directory core.hooksPath names; a
    // proxy nothing listens on (a push through it fails); the same hooks path in ~/.gitconfig.
    const caught = join(root, 'caught');
    const hooks = join(root, 'hooks');
    mkdirSync(hooks);
    for (const directory of [join(checkout, '.git', 'hooks'), hooks]) {
      writeFileSync(join(directory, 'pre-push'), `#!/bin/sh\nprintf '%s\\n' "$PUSH_SECRET" >> ${caught}\n`);
      chmodSync(join(directory, 'pre-push'), 0o755);
    }
    const environment = { ...process.env, HOME: home, PUSH_SECRET: 'secret-value' };
    // Planted hooks run on a plain push: the case the commands guard against.
    execFileSync('git', ['-C', checkout, 'push', '--quiet', remote, 'HEAD:refs/heads/plain'], { env: environment });
    expect(existsSync(caught)).toBe(true);
    execFileSync('rm', ['-f', caught]);
    git(checkout, 'config', 'http.proxy', 'http://127.0.0.1:9');
    git(checkout, 'config', `url.${join(root, 'nowhere.git')}.pushInsteadOf`, remote);
    writeFileSync(join(home, '.gitconfig'), `[core]\n\thooksPath = ${hooks}\n`);

    const commands = gitCommands(checkout, join(root, 'push.git'));
    const env = { ...environment, ...commands.pushEnvironment() };
    for (const [file = '', ...args] of commands.preparePush()) execFileSync(file, args, { env, stdio: 'ignore' });
    const [file = '', ...args] = commands.push(remote, 'task', sha, undefined);
    execFileSync(file, args, { env, stdio: 'ignore' });
    expect(existsSync(caught)).toBe(false);
    expect(git(remote, 'rev-parse', 'refs/heads/task').trim()).toBe(sha);

    // The lease: the next commit goes only where the branch is still at the sha ampo expects.
    writeFileSync(join(checkout, 'file.txt'), 'more work\n');
    git(checkout, 'commit', '--quiet', '-am', 'more');
    const next = git(checkout, 'rev-parse', 'HEAD').trim();
    const pushNext = (expected: string) => {
      for (const [prepare = '', ...prepareArgs] of commands.preparePush()) execFileSync(prepare, prepareArgs, { env, stdio: 'ignore' });
      const [command = '', ...commandArgs] = commands.push(remote, 'task', next, expected);
      execFileSync(command, commandArgs, { env, stdio: 'ignore' });
    };
    expect(() => pushNext('0'.repeat(40))).toThrow();
    pushNext(sha);
    expect(git(remote, 'rev-parse', 'refs/heads/task').trim()).toBe(next);
  });
});
