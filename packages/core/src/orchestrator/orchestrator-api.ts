import type { Observable } from 'rxjs';
import type { OrchestratorEvent } from '../domain/events.js';
import type { AgentKind, CreateTaskInput } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import type { RetryPolicy } from '../machine/retry-policy.js';
import type { MachineOptions } from '../machine/transition.js';
import type { AgentDriver } from '../ports/agent-driver.js';
import type { CiProvider } from '../ports/ci-provider.js';
import type { Clock } from '../ports/clock.js';
import type { ContainerRuntime } from '../ports/container-runtime.js';
import type { Logger } from '../ports/logger.js';
import type { SourceHost } from '../ports/source-host.js';
import type { TaskChangeFeed, TaskLeases } from '../ports/task-leases.js';
import type { ListTasksQuery, LogChunk, TaskPage, TaskStore } from '../ports/task-store.js';
import type { LeaseSettings } from './task-ownership.js';

export interface OrchestratorPorts {
  runtime: ContainerRuntime;
  /** A driver per agent kind the tasks may ask for. */
  agents: Partial<Record<AgentKind, AgentDriver>>;
  source: SourceHost;
  ci: CiProvider;
  store: TaskStore;
  /** @default the system clock */
  clock?: Clock;
  /** @default a silent logger */
  logger?: Logger;
  /**
   * Leases over the store's tasks (a shared store implements them): with it, this orchestrator is
   * one of several instances. It runs only the tasks it has claimed, fences every write with its
   * lease, and takes over the tasks of an instance whose lease expired.
   */
  leases?: TaskLeases;
  /** Changes other instances make to the store, so that `events$` carries every task's events. */
  changes?: TaskChangeFeed;
}

export interface OrchestratorOptions {
  /** Tasks running at once; the rest wait in a FIFO queue. @default 4 */
  concurrency?: number;
  /** Labels this orchestrator's workspaces (`ampo.instance`). @default a random id */
  instanceId?: string;
  /** Where the repository is checked out inside a workspace. @default '/workspace/repo' */
  repositoryDirectory?: string;
  /** Secret values to hide from every log, event and error, beyond those ampo learns itself. */
  secrets?: readonly string[];
  /** The author of the agent's commits. @default { name: 'ampo', email: 'ampo@localhost' } */
  commitAuthor?: { name: string; email: string };
  /** Retries of infrastructure calls that fail with a retryable error. @default 3 retries from 2 s, doubling */
  infrastructureRetry?: RetryPolicy;
  machine?: Partial<MachineOptions>;
  /** Lease timing and the global concurrency limit, when `leases` is given. */
  leases?: LeaseSettings;
}

export interface Orchestrator {
  /** Every event of every task, after it was persisted. Hot: late subscribers see what follows. */
  readonly events$: Observable<OrchestratorEvent>;
  /** Log chunks (agent output, system lines) as they are stored. Already redacted. */
  readonly logs$: Observable<LogChunk>;
  /** A task's stored events after `afterSeq`, then its live ones, without gaps or repeats. */
  taskEvents$(taskId: string, options?: { afterSeq?: number }): Observable<OrchestratorEvent>;
  /**
   * Validates and queues a task. Rejects invalid input with an `invalid-input` AmpoError, and a
   * repository the source host does not serve with the host's reason. With an `idempotencyKey`,
   * a retry with the same key and the same request returns the task the first call created
   * (also across processes sharing a store); the same key with a different request is a `conflict`.
   */
  createTask(input: CreateTaskInput, options?: CreateTaskOptions): Promise<Task>;
  getTask(taskId: string): Promise<Task | undefined>;
  listTasks(query?: ListTasksQuery): Promise<TaskPage>;
  readEvents(taskId: string, options?: { afterSeq?: number; limit?: number }): Promise<OrchestratorEvent[]>;
  readLogs(taskId: string, options?: { afterSeq?: number; limit?: number }): Promise<LogChunk[]>;
  /** Cancels a task; cancelling a finished task returns it unchanged. */
  cancelTask(taskId: string, reason?: string): Promise<Task>;
  /** Passes a person's message to the task's agent (now, or with the next turn). */
  sendMessage(taskId: string, text: string, author?: string): Promise<Task>;
  /** Resumes every unfinished task in the store from its last durable step. */
  start(): Promise<void>;
  /** Stops taking work and detaches from running work, leaving workspaces for a later start. */
  stop(): Promise<void>;
}

export interface CreateTaskOptions {
  /** 1 to 200 printable ASCII characters, unique per task. */
  idempotencyKey?: string;
}
