import type { Observable } from 'rxjs';

/** What a workspace container is made from. */
export interface WorkspaceSpec {
  /** The task this workspace belongs to; runtimes label the container with it. */
  taskId: string;
  /** Extra labels for finding the workspace again. Keys and values are plain strings. */
  labels?: Record<string, string>;
  /** Non-secret environment for every exec. Secrets go to {@link ExecOptions.env} of one exec. */
  env?: Record<string, string>;
}

/** A workspace as listed by {@link ContainerRuntime.list}. */
export interface WorkspaceInfo {
  id: string;
  taskId: string;
  labels: Record<string, string>;
  running: boolean;
}

export interface ExecOptions {
  /** Environment for this exec only. The only way secrets reach a container. */
  env?: Record<string, string>;
  cwd?: string;
  /** Written to the process's stdin, which is then closed. */
  stdin?: string;
  /**
   * Run so that the process survives the orchestrator: output goes to a file inside the
   * workspace and {@link Workspace.attach} can read it again from a byte offset.
   * Runtimes that cannot do this MUST throw an `invalid-input` AmpoError rather than ignore it.
   */
  detached?: boolean;
  /**
   * For detached executions: the id to give the execution, chosen by the caller so that after a
   * crash it can re-attach even if it never learned the id. Unique within the workspace. Runtimes
   * that cannot honour it ignore it; callers then use {@link Execution.id}.
   */
  executionId?: string;
  /**
   * Before the process starts, end every process that earlier executions left running in the
   * workspace (an agent's background jobs), so that none of them can read this process's
   * environment: for commands that carry credentials (a push). Not with `detached`. Runtimes
   * that cannot do this MUST throw an `invalid-input` AmpoError rather than ignore it.
   */
  endOtherProcesses?: boolean;
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  /** UTF-8 text; a multi-byte character is never split across chunks. */
  text: string;
  /** For detached executions: the byte offset in the output file just after this chunk. */
  offset?: number;
}

export interface ExitStatus {
  /** The exit code, or null when the process was killed by a signal. */
  code: number | null;
  /** The signal that ended the process, e.g. `SIGKILL`. */
  signal?: string;
}

/** A process running in a workspace. */
export interface Execution {
  /** Stable id; for detached executions it can be passed to {@link Workspace.attach}. */
  readonly id: string;
  /**
   * The process's output in order. Cold and single-use: subscribe once. Completes after the
   * last chunk, before or when `exit` resolves. A slow subscriber slows the producer rather than
   * making memory grow without bound.
   */
  readonly output$: Observable<OutputChunk>;
  /** Resolves when the process has ended. Never rejects because of the exit code. */
  readonly exit: Promise<ExitStatus>;
  /** Kills the process. Idempotent; `exit` then resolves with the signal. */
  cancel(): Promise<void>;
}

/** A long-lived container for one task. Work runs in it through {@link Workspace.exec}. */
export interface Workspace {
  readonly id: string;
  readonly taskId: string;
  /**
   * Starts `argv` (argv[0] looked up on PATH) with no shell in between. MUST throw (not return
   * a failed Execution) when the process cannot be started at all.
   */
  exec(argv: readonly string[], options?: ExecOptions): Promise<Execution>;
  /**
   * Re-attaches to a detached execution, replaying its output from `fromOffset` bytes. Works
   * from another runtime instance (after a restart) and after the process ended.
   */
  attach(executionId: string, fromOffset?: number): Promise<Execution>;
}

/**
 * Where workspaces live (a Docker engine, Kubernetes, …). Implementations MUST label every
 * workspace with its task id so that {@link ContainerRuntime.list} finds it after a restart.
 */
export interface ContainerRuntime {
  /** Creates and starts a workspace that stays up until removed. */
  create(spec: WorkspaceSpec): Promise<Workspace>;
  /** A handle on an existing workspace, or undefined when it is gone. */
  get(workspaceId: string): Promise<Workspace | undefined>;
  /** Workspaces whose labels include every given pair. */
  list(labels?: Record<string, string>): Promise<WorkspaceInfo[]>;
  /** Stops the workspace's processes, keeping its files. Idempotent. */
  stop(workspaceId: string): Promise<void>;
  /** Removes the workspace and everything in it. Idempotent: removing a missing one succeeds. */
  remove(workspaceId: string): Promise<void>;
}
