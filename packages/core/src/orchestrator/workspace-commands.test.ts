import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitCommands } from './workspace-commands.js';

const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } });

describe('gitCommands().push with real git', () => {
  it('runs none of the hooks the agent could have planted, so none sees the credentials in its environment', () => {
    const root = mkdtempSync(join(tmpdir(), 'ampo-push-hooks-'));
    const remote = join(root, 'remote.git');
    const checkout = join(root, 'checkout');
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
    git(root, 'init', '--quiet', '--initial-branch=main', checkout);
    writeFileSync(join(checkout, 'file.txt'), 'work\n');
    git(checkout, 'add', '-A');
    git(checkout, 'commit', '--quiet', '-m', 'work');
    // Both places an agent can put a hook: .git/hooks, and a directory named by core.hooksPath.
    const caught = join(root, 'caught');
    const hook = `#!/bin/sh\nprintf '%s\\n' "$PUSH_SECRET" >> ${caught}\n`;
    const elsewhere = join(root, 'hooks');
    mkdirSync(elsewhere);
    for (const directory of [join(checkout, '.git', 'hooks'), elsewhere]) {
      writeFileSync(join(directory, 'pre-push'), hook);
      chmodSync(join(directory, 'pre-push'), 0o755);
    }
    // Planted hooks do run on a plain push: the case the command guards against.
    const [file, ...args] = gitCommands(checkout).push(remote, 'task', undefined);
    execFileSync('git', ['-C', checkout, 'push', '--quiet', remote, 'HEAD:refs/heads/plain'], { env: { ...process.env, PUSH_SECRET: 's1' } });
    expect(existsSync(caught)).toBe(true);
    execFileSync('rm', ['-f', caught]);
    git(checkout, 'config', 'core.hooksPath', elsewhere);

    execFileSync(file ?? 'git', args, { env: { ...process.env, PUSH_SECRET: 's2' }, stdio: 'ignore' });
    expect(existsSync(caught)).toBe(false);
    expect(git(remote, 'rev-parse', 'refs/heads/task').trim()).toBe(git(checkout, 'rev-parse', 'HEAD').trim());
  });
});
