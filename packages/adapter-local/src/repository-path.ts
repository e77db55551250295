import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AmpoError } from '@ampo/core';

/** A URL git understands (`https://`, `ssh://`, `file://`, …) or scp-like `user@host:path`. */
export const isGitUrl = (repo: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo);

const refuse = (message: string) => new AmpoError('invalid-input', message);

/** Why `repo` can never be handed to git as a repository argument, if it cannot. */
const unsafeReason = (repo: string): string | undefined => {
  if (repo.length === 0) return 'The repository is empty.';
  if (repo.startsWith('-')) return `"${repo}" looks like a command-line option, not a repository.`;
  if (/[\0\r\n]/.test(repo)) return 'The repository contains a control character.';
  return undefined;
};

const isInside = (root: string, path: string) => {
  const within = relative(root, path);
  return within === '' || (!within.startsWith(`..${sep}`) && within !== '..' && !isAbsolute(within));
};

/** A bare repository (HEAD and objects/ at its top) or a work tree with a `.git` directory. */
const isRepository = (path: string) =>
  (existsSync(join(path, 'HEAD')) && existsSync(join(path, 'objects'))) ||
  statSync(join(path, '.git'), { throwIfNoEntry: false })?.isDirectory();

/**
 * Resolves `repo` to the real path of a repository inside one of `roots` (symbolic links
 * followed), or rejects with a reason a person can act on. Relative paths are taken from the
 * first root. URLs are refused: with allowed roots only repositories on this machine are served.
 */
export const resolveRepositoryUnderRoots = (repo: string, roots: readonly string[]): string => {
  const unsafe = unsafeReason(repo);
  if (unsafe) throw refuse(unsafe);
  const realRoots = roots.map((root) => realpathSync(resolve(root)));
  const allowed = realRoots.join(', ');
  if (isGitUrl(repo)) throw refuse(`"${repo}" is a URL; this server only takes repositories under ${allowed}.`);
  const candidate = isAbsolute(repo) ? repo : resolve(realRoots[0] ?? '.', repo);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw refuse(`There is no repository at ${candidate}.`);
  }
  if (!realRoots.some((root) => isInside(root, real))) {
    throw refuse(`${repo} is outside the allowed repository roots (${allowed}); start the server with --repo-root to allow it.`);
  }
  if (!statSync(real).isDirectory() || !isRepository(real)) throw refuse(`${real} is not a git repository.`);
  return real;
};

/** Without allowed roots: a URL as it is, or an absolute path to a repository. */
export const resolveRepositoryAnywhere = (repo: string): string => {
  const unsafe = unsafeReason(repo);
  if (unsafe) throw refuse(unsafe);
  if (isGitUrl(repo)) return repo;
  if (!isAbsolute(repo)) throw refuse(`"${repo}" is neither a URL nor an absolute path to a bare git repository.`);
  return resolve(repo);
};

/** The directory git http-backend serves for a repository path: the `.git` of a work tree. */
export const gitDirectoryOf = (path: string): string =>
  statSync(join(path, '.git'), { throwIfNoEntry: false })?.isDirectory() ? join(path, '.git') : path;
