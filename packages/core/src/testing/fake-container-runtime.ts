import { ReplaySubject } from 'rxjs';
import { AmpoError } from '../errors.js';
import type {
  ContainerRuntime,
  ExecOptions,
  Execution,
  ExitStatus,
  OutputChunk,
  Workspace,
  WorkspaceInfo,
} from '../ports/container-runtime.js';
import { containerRuntimeScripts } from './container-runtime-scripts.js';

/** The files and state of one fake workspace. Commands read and change it. */
export interface FakeWorkspaceState {
  id: string;
  taskId: string;
  labels: Record<string, string>;
  env: Record<string, string>;
  running: boolean;
  /** Working-tree files by path, shared by every command of the workspace. */
  files: Map<string, string>;
  /** Free-form per-command state (the fake git keeps its HEAD here). */
  data: Map<string, unknown>;
}

export interface FakeProcess {
  argv: readonly string[];
  env: Record<string, string>;
  cwd: string;
  stdin: string;
  workspace: FakeWorkspaceState;
  write(stream: 'stdout' | 'stderr', text: string): void;
  /** Aborted when the execution is cancelled; a command that waits must honour it. */
  signal: AbortSignal;
}

/** A fake command: returns its exit code, or throws/aborts. */
export type FakeCommand = (process: FakeProcess) => Promise<number> | number;

export interface ExecRecord {
  workspaceId: string;
  argv: readonly string[];
  env: Record<string, string>;
  cwd: string;
  detached: boolean;
  /** The exec asked for every other process of the workspace to be ended first. */
  endOtherProcesses: boolean;
}

export interface FakeContainerRuntime extends ContainerRuntime {
  readonly workspaces: ReadonlyMap<string, FakeWorkspaceState>;
  /** Every exec, in order: what a test inspects to see what ran. */
  readonly execs: readonly ExecRecord[];
  /** Makes the next `create` calls fail with this error. */
  failNextCreates(count: number, error?: AmpoError): void;
}

const waitForAbort = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** Commands every fake workspace has, enough for the runtime conformance suite. */
export const builtinFakeCommands: Record<string, FakeCommand> = {
  echo: ({ argv, write }) => {
    write('stdout', `${argv.slice(1).join(' ')}\n`);
    return 0;
  },
  cat: ({ stdin, write }) => {
    if (stdin) write('stdout', stdin);
    return 0;
  },
  printenv: ({ argv, env, write }) => {
    const name = argv[1];
    if (name === undefined) {
      for (const [key, value] of Object.entries(env)) write('stdout', `${key}=${value}\n`);
      return 0;
    }
    if (!(name in env)) return 1;
    write('stdout', `${env[name]}\n`);
    return 0;
  },
  pwd: ({ cwd, write }) => {
    write('stdout', `${cwd}\n`);
    return 0;
  },
  true: () => 0,
  false: () => 1,
  sleep: async ({ argv, signal }) => {
    const seconds = Number(argv[1] ?? '0');
    await Promise.race([new Promise((resolve) => setTimeout(resolve, seconds * 1000)), waitForAbort(signal)]);
    return 0;
  },
  /** Only the scripts of the runtime conformance suite: the fake has no shell. */
  sh: async ({ argv, workspace, write, signal }) => {
    const [, flag, script, , path = ''] = argv;
    if (flag !== '-c') return 2;
    switch (script) {
      case containerRuntimeScripts.stdoutAndStderr:
        write('stdout', 'out\n');
        write('stderr', 'err\n');
        return 0;
      case containerRuntimeScripts.exit42:
        return 42;
      case containerRuntimeScripts.openGate:
        workspace.files.set(path, '');
        return 0;
      case containerRuntimeScripts.waitForGate:
        write('stdout', 'first part\n');
        while (!workspace.files.has(path)) {
          await Promise.race([new Promise((resolve) => setTimeout(resolve, 10)), waitForAbort(signal)]);
        }
        write('stdout', 'second part\n');
        return 7;
      default:
        write('stderr', 'fake sh: this fake only knows the conformance suite scripts\n');
        return 2;
    }
  },
  rm: ({ argv, workspace }) => {
    // Only the checkout is modelled; ampo's scratch directories under /tmp hold nothing here.
    if (argv.some((arg) => arg.startsWith('/tmp/'))) return 0;
    workspace.files.clear();
    workspace.data.delete('git');
    return 0;
  },
  mkdir: () => 0,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface FakeExecutionRecord {
  chunks: OutputChunk[];
  subject: ReplaySubject<OutputChunk>;
  exit: Promise<ExitStatus>;
  cancel: () => Promise<void>;
}

/**
 * A {@link ContainerRuntime} in memory. Commands are functions looked up by `argv[0]`; a missing
 * one fails to start, as a missing binary does. Detached executions keep their output so that
 * `attach` replays it from a byte offset.
 */
export const createFakeContainerRuntime = (options: { commands?: Record<string, FakeCommand> } = {}): FakeContainerRuntime => {
  const commands = { ...builtinFakeCommands, ...options.commands };
  const workspaces = new Map<string, FakeWorkspaceState>();
  const executions = new Map<string, FakeExecutionRecord>(); // by `<workspace id>/<execution id>`
  const execs: ExecRecord[] = [];
  let nextWorkspace = 1;
  let nextExecution = 1;
  let failingCreates: { count: number; error: AmpoError } = { count: 0, error: new AmpoError('unavailable', 'fake') };

  const startExecution = (state: FakeWorkspaceState, argv: readonly string[], execOptions: ExecOptions): Execution => {
    const command = commands[argv[0] ?? ''];
    if (!command) throw new AmpoError('runtime-error', `exec failed: "${argv[0]}" not found in the workspace's PATH.`);
    const id = execOptions.detached && execOptions.executionId ? execOptions.executionId : `exec-${nextExecution++}`;
    if (executions.has(`${state.id}/${id}`))
      throw new AmpoError('conflict', `An execution named ${id} already exists in workspace ${state.id}.`);
    const subject = new ReplaySubject<OutputChunk>();
    const chunks: OutputChunk[] = [];
    const controller = new AbortController();
    let offset = 0;
    const write = (stream: 'stdout' | 'stderr', text: string) => {
      if (controller.signal.aborted || text.length === 0) return;
      offset += encoder.encode(text).length;
      const chunk: OutputChunk = { stream, text, ...(execOptions.detached ? { offset } : {}) };
      chunks.push(chunk);
      subject.next(chunk);
    };
    const env = { ...state.env, ...execOptions.env };
    const exit = (async (): Promise<ExitStatus> => {
      await Promise.resolve();
      try {
        const code = await Promise.race([
          Promise.resolve(
            command({
              argv,
              env,
              cwd: execOptions.cwd ?? '/',
              stdin: execOptions.stdin ?? '',
              workspace: state,
              write,
              signal: controller.signal,
            }),
          ),
          waitForAbort(controller.signal),
        ]);
        return { code };
      } catch (error) {
        if (controller.signal.aborted) return { code: null, signal: 'SIGKILL' };
        write('stderr', `${error instanceof Error ? error.message : String(error)}\n`);
        return { code: 1 };
      } finally {
        subject.complete();
      }
    })();
    const cancel = async () => {
      controller.abort(new AmpoError('cancelled', 'execution cancelled'));
      await exit;
    };
    executions.set(`${state.id}/${id}`, { chunks, subject, exit, cancel });
    return { id, output$: subject.asObservable(), exit, cancel };
  };

  const workspaceHandle = (state: FakeWorkspaceState): Workspace => ({
    id: state.id,
    taskId: state.taskId,
    async exec(argv, execOptions = {}) {
      if (!state.running) throw new AmpoError('runtime-error', `Workspace ${state.id} is not running.`);
      execs.push({
        workspaceId: state.id,
        argv: [...argv],
        env: { ...execOptions.env },
        cwd: execOptions.cwd ?? '/',
        detached: execOptions.detached ?? false,
        endOtherProcesses: execOptions.endOtherProcesses ?? false,
      });
      return startExecution(state, argv, execOptions);
    },
    async attach(executionId, fromOffset = 0) {
      const record = executions.get(`${state.id}/${executionId}`);
      if (!record) throw new AmpoError('not-found', `No detached execution ${executionId} in workspace ${state.id}.`);
      const replay = new ReplaySubject<OutputChunk>();
      record.subject.subscribe({
        next: (chunk) => {
          const end = chunk.offset ?? 0;
          if (end <= fromOffset) return;
          const bytes = encoder.encode(chunk.text);
          const start = end - bytes.length;
          // A chunk that straddles the offset is cut there, as a byte-offset tail would.
          replay.next(start >= fromOffset ? chunk : { ...chunk, text: decoder.decode(bytes.subarray(fromOffset - start)) });
        },
        complete: () => replay.complete(),
      });
      return { id: executionId, output$: replay.asObservable(), exit: record.exit, cancel: record.cancel };
    },
  });

  const runtime: FakeContainerRuntime = {
    workspaces,
    execs,
    failNextCreates(count, error = new AmpoError('unavailable', 'The fake runtime was told to fail.')) {
      failingCreates = { count, error };
    },
    async create(spec) {
      if (failingCreates.count > 0) {
        failingCreates.count--;
        throw failingCreates.error;
      }
      const state: FakeWorkspaceState = {
        id: `ws-${nextWorkspace++}`,
        taskId: spec.taskId,
        labels: { ...spec.labels, 'ampo.task': spec.taskId },
        env: { ...spec.env },
        running: true,
        files: new Map(),
        data: new Map(),
      };
      workspaces.set(state.id, state);
      return workspaceHandle(state);
    },
    async get(workspaceId) {
      const state = workspaces.get(workspaceId);
      return state ? workspaceHandle(state) : undefined;
    },
    async list(labels = {}) {
      return [...workspaces.values()]
        .filter((state) => Object.entries(labels).every(([key, value]) => state.labels[key] === value))
        .map((state): WorkspaceInfo => ({ id: state.id, taskId: state.taskId, labels: { ...state.labels }, running: state.running }));
    },
    async stop(workspaceId) {
      const state = workspaces.get(workspaceId);
      if (state) state.running = false;
    },
    async remove(workspaceId) {
      const state = workspaces.get(workspaceId);
      if (!state) return;
      state.running = false;
      workspaces.delete(workspaceId);
    },
  };
  return runtime;
};
