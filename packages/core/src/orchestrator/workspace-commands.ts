import { lastValueFrom, toArray } from 'rxjs';
import { AmpoError } from '../errors.js';
import { tailBytes } from '../feedback/text.js';
import type { ExecOptions, Workspace } from '../ports/container-runtime.js';

/** Where the repository is checked out inside every workspace. */
export const defaultRepositoryDirectory = '/workspace/repo';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a short command to its end and collects its output. */
export const runCommand = async (workspace: Workspace, argv: readonly string[], options: ExecOptions = {}): Promise<CommandResult> => {
  const execution = await workspace.exec(argv, options);
  const [chunks, exit] = await Promise.all([lastValueFrom(execution.output$.pipe(toArray())), execution.exit]);
  const text = (stream: 'stdout' | 'stderr') =>
    chunks
      .filter((chunk) => chunk.stream === stream)
      .map((chunk) => chunk.text)
      .join('');
  return { code: exit.code, stdout: text('stdout'), stderr: text('stderr') };
};

/**
 * Runs a command that must succeed. On failure the error names the command (argv[0..1] only, as
 * later arguments may be URLs) and the end of its stderr, passed through `redact`.
 */
export const runChecked = async (
  workspace: Workspace,
  argv: readonly string[],
  options: ExecOptions & { redact: (text: string) => string; what: string },
): Promise<CommandResult> => {
  const { redact, what, ...execOptions } = options;
  const result = await runCommand(workspace, argv, execOptions);
  if (result.code !== 0) {
    const detail = redact(tailBytes(result.stderr.trim() || result.stdout.trim(), 800));
    throw new AmpoError('runtime-error', `Could not ${what} (exit ${result.code ?? 'by signal'}): ${detail || 'no output'}`);
  }
  return result;
};

/** Where ampo's own repository for a push lives in the workspace (see `preparePush`). */
export const pushDirectory = '/tmp/ampo-push.git';

/** The git steps of a task, as argv arrays: no shell ever sees user input. */
export const gitCommands = (directory: string, pushRepository = pushDirectory) => ({
  clone: (url: string, branch: string) => ['git', 'clone', '--branch', branch, '--', url, directory],
  checkoutNewBranch: (branch: string) => ['git', '-C', directory, 'checkout', '-B', branch],
  configure: (key: string, value: string) => ['git', '-C', directory, 'config', key, value],
  addAll: () => ['git', '-C', directory, 'add', '-A'],
  status: () => ['git', '-C', directory, 'status', '--porcelain'],
  commit: (message: string) => ['git', '-C', directory, 'commit', '-q', '-m', message],
  head: () => ['git', '-C', directory, 'rev-parse', 'HEAD'],
  /**
   * The push runs from a bare repository of ampo's own, made afresh for each push, that reads the
   * checkout's objects and nothing else of it: the agent can write the checkout's `.git/config`
   * (`http.proxy`, `url.*.insteadOf`, `credential.helper`, hooks) and `~/.gitconfig`, and git would
   * obey them with the push's credentials in hand. Run these in order, the last with
   * {@link pushEnvironment} and the credentials.
   */
  preparePush: () => [
    ['rm', '-rf', '--', pushRepository],
    ['git', 'init', '--quiet', '--bare', '--template=', pushRepository],
  ],
  /**
   * Pushes `sha` only while the remote branch is still where ampo last saw it (absent before the
   * first push), so a second owner of the task, or a person's commit, is never overwritten.
   */
  push: (url: string, branch: string, sha: string, expectedSha: string | undefined) => [
    'git',
    '--git-dir',
    pushRepository,
    '-c',
    'core.hooksPath=/dev/null',
    'push',
    '--no-verify',
    `--force-with-lease=refs/heads/${branch}:${expectedSha ?? ''}`,
    '--',
    url,
    `${sha}:refs/heads/${branch}`,
  ],
  /** For {@link preparePush} and the push: no global or system config, the checkout's objects only. */
  pushEnvironment: (): Record<string, string> => ({
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALTERNATE_OBJECT_DIRECTORIES: `${directory}/.git/objects`,
  }),
});
