import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  }).trim();

/** A bare repository on disk whose `main` holds `files`; returns its path and a commit helper. */
export const createBareRepository = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'ampo-local-'));
  const bare = join(root, 'app.git');
  const work = join(root, 'work');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', work]);
  const commit = (changes: Record<string, string>, message: string, branch = 'main') => {
    git(work, 'checkout', '--quiet', '-B', branch);
    for (const [path, content] of Object.entries(changes)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
    }
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', message);
    git(work, 'push', '--quiet', bare, `HEAD:refs/heads/${branch}`);
    return git(work, 'rev-parse', 'HEAD');
  };
  const base = commit(files, 'initial');
  return { root, bare, base, commit, git: (...args: string[]) => git(bare, ...args) };
};
