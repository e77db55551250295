import type { FakeCommand, FakeWorkspaceState } from './fake-container-runtime.js';

export interface FakeRemoteRepository {
  branches: Map<string, string>;
  commits: Map<string, ReadonlyMap<string, string>>;
  /** Every push that moved a branch, in order. A push of a commit already there is not recorded. */
  pushes: Array<{ branch: string; sha: string }>;
}

export interface FakeGit {
  /** The `git` command for {@link createFakeContainerRuntime}. */
  command: FakeCommand;
  remotes: Map<string, FakeRemoteRepository>;
  /** Creates a remote at `url` whose `branch` holds `files`. */
  createRemote(url: string, files: Record<string, string>, branch?: string): string;
}

interface LocalGitState {
  remoteUrl: string;
  branch: string;
  head: string;
  commits: Map<string, ReadonlyMap<string, string>>;
}

const hashOf = (text: string): string => {
  let a = 0x811c9dc5;
  let b = 0x1234567;
  for (let index = 0; index < text.length; index++) {
    a = Math.imul(a ^ text.charCodeAt(index), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(index), 0x5bd1e995);
  }
  return ((a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0')).repeat(2).slice(0, 40);
};

const snapshotKey = (files: ReadonlyMap<string, string>) => JSON.stringify([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));

const changedPaths = (files: ReadonlyMap<string, string>, committed: ReadonlyMap<string, string>): string[] => {
  const paths = new Set([...files.keys(), ...committed.keys()]);
  return [...paths].filter((path) => files.get(path) !== committed.get(path)).sort();
};

/**
 * A tiny git for the fake runtime: clone, checkout -b, add, status --porcelain, commit, rev-parse
 * and push against in-memory remotes. Enough to drive the orchestrator's git steps in tests.
 */
export const createFakeGit = (): FakeGit => {
  const remotes = new Map<string, FakeRemoteRepository>();
  const local = (workspace: FakeWorkspaceState) => workspace.data.get('git') as LocalGitState | undefined;

  const command: FakeCommand = ({ argv, workspace, write }) => {
    const args = [...argv.slice(1)];
    // Global options: -C <dir>, -c <k=v>, --git-dir <dir>.
    while (args[0] === '-C' || args[0] === '-c' || args[0] === '--git-dir') args.splice(0, 2);
    const [subcommand, ...rest] = args;
    const state = local(workspace);
    const positional = rest.filter((arg) => !arg.startsWith('-'));
    switch (subcommand) {
      case 'clone': {
        const branchIndex = rest.indexOf('--branch');
        const branch = branchIndex >= 0 ? (rest[branchIndex + 1] ?? 'main') : 'main';
        const url = rest.filter((arg, index) => !arg.startsWith('-') && rest[index - 1] !== '--branch')[0] ?? '';
        const remote = remotes.get(url);
        const sha = remote?.branches.get(branch);
        if (!remote || !sha) {
          write('stderr', `fatal: repository '${url}' or branch '${branch}' not found\n`);
          return 128;
        }
        const files = remote.commits.get(sha) ?? new Map();
        workspace.files.clear();
        for (const [path, content] of files) workspace.files.set(path, content);
        workspace.data.set('git', { remoteUrl: url, branch, head: sha, commits: new Map(remote.commits) } satisfies LocalGitState);
        return 0;
      }
      case 'config':
      case 'add':
      case 'init':
        return 0;
      case 'checkout': {
        if (!state) return 128;
        state.branch = positional[0] ?? state.branch;
        return 0;
      }
      case 'rev-parse':
        if (!state) return 128;
        write('stdout', `${state.head}\n`);
        return 0;
      case 'status': {
        if (!state) return 128;
        for (const path of changedPaths(workspace.files, state.commits.get(state.head) ?? new Map())) write('stdout', ` M ${path}\n`);
        return 0;
      }
      case 'commit': {
        if (!state) return 128;
        const committed = state.commits.get(state.head) ?? new Map();
        if (changedPaths(workspace.files, committed).length === 0) {
          write('stdout', 'nothing to commit, working tree clean\n');
          return 1;
        }
        const snapshot = new Map(workspace.files);
        const sha = hashOf(`${state.head}\n${snapshotKey(snapshot)}`);
        state.commits.set(sha, snapshot);
        state.head = sha;
        return 0;
      }
      case 'push': {
        if (!state) return 128;
        const [url, refspec = ''] = positional;
        const remote = remotes.get(url ?? '');
        if (!remote) {
          write('stderr', `fatal: repository '${url}' not found\n`);
          return 128;
        }
        const branch =
          refspec
            .split(':')
            .at(-1)
            ?.replace(/^refs\/heads\//, '') ?? state.branch;
        for (const [sha, files] of state.commits) remote.commits.set(sha, files);
        if (remote.branches.get(branch) === state.head) {
          write('stderr', 'Everything up-to-date\n');
          return 0;
        }
        const lease = rest
          .find((arg) => arg.startsWith('--force-with-lease='))
          ?.split(':')
          .at(-1);
        if (lease !== undefined && (remote.branches.get(branch) ?? '') !== lease) {
          write('stderr', ` ! [rejected]        HEAD -> ${branch} (stale info)\n`);
          return 1;
        }
        remote.branches.set(branch, state.head);
        remote.pushes.push({ branch, sha: state.head });
        return 0;
      }
      default:
        write('stderr', `fake git: unsupported subcommand ${subcommand}\n`);
        return 129;
    }
  };

  return {
    command,
    remotes,
    createRemote(url, files, branch = 'main') {
      const snapshot = new Map(Object.entries(files));
      const sha = hashOf(`root\n${snapshotKey(snapshot)}`);
      remotes.set(url, { branches: new Map([[branch, sha]]), commits: new Map([[sha, snapshot]]), pushes: [] });
      return sha;
    },
  };
};
