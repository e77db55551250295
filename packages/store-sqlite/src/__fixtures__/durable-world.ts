// The world outside an orchestrator process, kept in a JSON file so that it outlives a SIGKILL of
// the process, as containers, git remotes and pull requests outlive a real crash. It reuses core's
// fake git, agent, source host and CI, and adds a container runtime whose workspaces and detached
// executions are saved after every change. A "hold" makes one step hang right after its side effect
// (or before it, for `agent-start`), so that the parent kills the process exactly there.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  AmpoError,
  type ContainerRuntime,
  type ExecOptions,
  type Execution,
  type ExitStatus,
  type OutputChunk,
  type SourceHost,
  type Workspace,
} from '@ampo/core';
import {
  builtinFakeCommands,
  createFakeAgent,
  createFakeCiProvider,
  createFakeGit,
  createFakeSourceHost,
  type FakeAgent,
  type FakeCiProvider,
  type FakeCommand,
  type FakeGit,
  type FakePullRequest,
  type FakeWorkspaceState,
} from '@ampo/core/testing';
import { ReplaySubject } from 'rxjs';

export const holdPoints = [
  'workspace-created',
  'cloned',
  'agent-start',
  'agent-output',
  'pushed',
  'pull-request-opened',
  'ci-watching',
  'workspace-remove',
] as const;
export type HoldPoint = (typeof holdPoints)[number];

interface ExecutionRecord {
  argv: string[];
  cwd: string;
  stdin: string;
  chunks: OutputChunk[];
  exit?: ExitStatus;
}

interface WorldState {
  nextWorkspace: number;
  remotes: FakeGit['remotes'];
  pullRequests: FakePullRequest[];
  workspaces: Map<string, FakeWorkspaceState>;
  executions: Map<string, ExecutionRecord>;
  /** Containers ever created, per task: more than one is a duplicated effect. */
  created: Record<string, number>;
}

export interface DurableWorld {
  runtime: ContainerRuntime;
  source: SourceHost;
  ci: FakeCiProvider;
  agent: FakeAgent;
  repo: string;
}

export const repo = 'fake://acme/app';
const fixed = 'export const sum = (a: number, b: number) => a + b;\n';

const replacer = (_key: string, value: unknown) => (value instanceof Map ? { $map: [...value] } : value);
const reviver = (_key: string, value: unknown) =>
  value && typeof value === 'object' && '$map' in value ? new Map((value as { $map: Array<[unknown, unknown]> }).$map) : value;

/** What the parent reads after a run. */
export const readWorld = (file: string): WorldState => JSON.parse(readFileSync(file, 'utf8'), reviver) as WorldState;

const never = <T>() => new Promise<T>(() => {});

export const openDurableWorld = (file: string, hold?: { point: HoldPoint; occurrence: number }): DurableWorld => {
  const git = createFakeGit();
  const source = createFakeSourceHost({ git });
  let state: WorldState;
  if (existsSync(file)) {
    state = readWorld(file);
    for (const [url, remote] of state.remotes) git.remotes.set(url, remote);
    (source.pullRequests as FakePullRequest[]).push(...state.pullRequests);
  } else {
    git.createRemote(repo, { 'README.md': '# app\n', 'src/sum.ts': 'export const sum = (a: number, b: number) => a - b;\n' });
    state = { nextWorkspace: 1, remotes: git.remotes, pullRequests: [], workspaces: new Map(), executions: new Map(), created: {} };
  }
  state.remotes = git.remotes;
  state.pullRequests = source.pullRequests as FakePullRequest[];
  // Atomic: a kill leaves the previous or the next state, never half of one.
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(state, replacer));
    renameSync(`${file}.tmp`, file);
  };
  save();

  const hits = new Map<HoldPoint, number>();
  /** True (and announced on stdout) when this is the held occurrence of `point`. */
  const holdsAt = (point: HoldPoint) => {
    const count = (hits.get(point) ?? 0) + 1;
    hits.set(point, count);
    if (hold?.point !== point || hold.occurrence !== count) return false;
    process.stdout.write(`held ${point} ${count}\n`);
    return true;
  };

  const agent = createFakeAgent(({ prompt }) => ({
    messages: ['one', 'two', 'three'],
    edits: { 'src/sum.ts': prompt.includes('CI failed') ? fixed : '// wrong\n' },
  }));
  const ci = createFakeCiProvider((target) => {
    if (holdsAt('ci-watching')) return 'pending';
    const files = git.remotes.get(target.repo)?.commits.get(target.sha);
    return files?.get('src/sum.ts') === fixed
      ? { conclusion: 'success' }
      : { conclusion: 'failure', failures: [{ check: 'test', kind: 'test', message: 'expected -1 to be 3', file: 'src/sum.test.ts', line: 3 }] };
  });
  const commands: Record<string, FakeCommand> = { ...builtinFakeCommands, git: git.command, [agent.binary]: agent.command };
  const live = new Map<string, Execution>();

  const run = (workspace: FakeWorkspaceState, id: string, record: ExecutionRecord, env: Record<string, string>, detached: boolean): Execution => {
    const command = commands[record.argv[0] ?? ''];
    if (!command) throw new AmpoError('runtime-error', `exec failed: "${record.argv[0]}" not found in the workspace's PATH.`);
    const key = `${workspace.id}/${id}`;
    if (detached) {
      record.chunks = [];
      state.executions.set(key, record);
      save();
    }
    const subject = new ReplaySubject<OutputChunk>();
    const controller = new AbortController();
    let offset = 0;
    let lines = 0;
    let held = false;
    const write = (stream: 'stdout' | 'stderr', text: string) => {
      if (controller.signal.aborted || held || text.length === 0) return;
      offset += Buffer.byteLength(text);
      const chunk: OutputChunk = { stream, text, ...(detached ? { offset } : {}) };
      if (detached) {
        record.chunks.push(chunk);
        save();
      }
      subject.next(chunk);
      if (detached && stream === 'stdout' && ++lines === 2 && holdsAt('agent-output')) held = true;
    };
    const exit = (async (): Promise<ExitStatus> => {
      await Promise.resolve();
      let status: ExitStatus;
      try {
        const code = await command({ argv: record.argv, env, cwd: record.cwd, stdin: record.stdin, workspace, write, signal: controller.signal });
        status = { code };
      } catch {
        status = controller.signal.aborted ? { code: null, signal: 'SIGKILL' } : { code: 1 };
      }
      if (held) return never<ExitStatus>();
      // git's subcommand: the first word that is neither an option nor the value of -C, -c or --git-dir.
      const subcommand = record.argv.filter(
        (arg, index) => index > 0 && !arg.startsWith('-') && !['-C', '-c', '--git-dir'].includes(record.argv[index - 1] ?? ''),
      )[0];
      if (detached) record.exit = status;
      save();
      subject.complete();
      if (record.argv[0] === 'git' && status.code === 0) {
        if (subcommand === 'clone' && holdsAt('cloned')) return never<ExitStatus>();
        if (subcommand === 'push' && holdsAt('pushed')) return never<ExitStatus>();
      }
      return status;
    })();
    const execution: Execution = {
      id,
      output$: subject.asObservable(),
      exit,
      async cancel() {
        controller.abort(new AmpoError('cancelled', 'execution cancelled'));
        await exit;
      },
    };
    if (detached) live.set(key, execution);
    return execution;
  };

  let nextExecution = 1;
  const handle = (workspace: FakeWorkspaceState): Workspace => ({
    id: workspace.id,
    taskId: workspace.taskId,
    async exec(argv, options: ExecOptions = {}) {
      if (!workspace.running) throw new AmpoError('runtime-error', `Workspace ${workspace.id} is not running.`);
      const detached = options.detached ?? false;
      if (detached && argv[0] === agent.binary && holdsAt('agent-start')) return never();
      const id = detached && options.executionId ? options.executionId : `exec-${process.pid}-${nextExecution++}`;
      if (detached && state.executions.has(`${workspace.id}/${id}`)) {
        throw new AmpoError('conflict', `An execution named ${id} already exists in workspace ${workspace.id}.`);
      }
      const record: ExecutionRecord = { argv: [...argv], cwd: options.cwd ?? '/', stdin: options.stdin ?? '', chunks: [] };
      return run(workspace, id, record, { ...workspace.env, ...options.env }, detached);
    },
    async attach(executionId, fromOffset = 0) {
      const key = `${workspace.id}/${executionId}`;
      const record = state.executions.get(key);
      if (!record) throw new AmpoError('not-found', `No detached execution ${executionId} in workspace ${workspace.id}.`);
      let execution = live.get(key);
      if (!execution) {
        if (record.exit) {
          // Finished while no orchestrator watched: its output and exit stay readable.
          const replay = new ReplaySubject<OutputChunk>();
          for (const chunk of record.chunks) replay.next(chunk);
          replay.complete();
          execution = { id: executionId, output$: replay.asObservable(), exit: Promise.resolve(record.exit), cancel: async () => {} };
        } else {
          // Still running in the container when the orchestrator died: the fake process goes on
          // from the start, producing the same output (the agent is deterministic).
          execution = run(workspace, executionId, record, workspace.env, true);
        }
      }
      const from = new ReplaySubject<OutputChunk>();
      execution.output$.subscribe({
        next: (chunk) => {
          if ((chunk.offset ?? 0) > fromOffset) from.next(chunk);
        },
        complete: () => from.complete(),
      });
      return { id: executionId, output$: from.asObservable(), exit: execution.exit, cancel: execution.cancel };
    },
  });

  const runtime: ContainerRuntime = {
    async create(spec) {
      const workspace: FakeWorkspaceState = {
        id: `ws-${state.nextWorkspace++}`,
        taskId: spec.taskId,
        labels: { ...spec.labels, 'ampo.task': spec.taskId },
        env: { ...spec.env },
        running: true,
        files: new Map(),
        data: new Map(),
      };
      state.workspaces.set(workspace.id, workspace);
      state.created[spec.taskId] = (state.created[spec.taskId] ?? 0) + 1;
      save();
      if (holdsAt('workspace-created')) return never();
      return handle(workspace);
    },
    async get(workspaceId) {
      const workspace = state.workspaces.get(workspaceId);
      return workspace ? handle(workspace) : undefined;
    },
    async list(labels = {}) {
      return [...state.workspaces.values()]
        .filter((workspace) => Object.entries(labels).every(([key, value]) => workspace.labels[key] === value))
        .map((workspace) => ({ id: workspace.id, taskId: workspace.taskId, labels: { ...workspace.labels }, running: workspace.running }));
    },
    async stop(workspaceId) {
      const workspace = state.workspaces.get(workspaceId);
      if (workspace) workspace.running = false;
      save();
    },
    async remove(workspaceId) {
      if (holdsAt('workspace-remove')) return never();
      state.workspaces.delete(workspaceId);
      for (const key of state.executions.keys()) if (key.startsWith(`${workspaceId}/`)) state.executions.delete(key);
      save();
    },
  };

  const durableSource: SourceHost = {
    ...source,
    async openPullRequest(request) {
      const pullRequest = await source.openPullRequest(request);
      save();
      if (holdsAt('pull-request-opened')) return never();
      return pullRequest;
    },
    async updatePullRequest(request) {
      await source.updatePullRequest(request);
      save();
    },
  };

  return { runtime, source: durableSource, ci, agent, repo };
};
