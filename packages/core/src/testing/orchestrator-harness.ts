import { filter, firstValueFrom } from 'rxjs';
import type { TaskStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import {
  createOrchestrator,
  type Orchestrator,
  type OrchestratorOptions,
  type OrchestratorPorts,
} from '../orchestrator/create-orchestrator.js';
import type { CiTarget } from '../ports/ci-provider.js';
import type { TaskChangeFeed, TaskLeases } from '../ports/task-leases.js';
import type { TaskStore } from '../ports/task-store.js';
import { createFakeAgent, type FakeAgent, type FakeTurnInput, type FakeTurnScript } from './fake-agent.js';
import { createFakeCiProvider, type FakeCiProvider, type FakeCiVerdict } from './fake-ci-provider.js';
import { createFakeContainerRuntime, type FakeContainerRuntime } from './fake-container-runtime.js';
import { createFakeGit, type FakeGit } from './fake-git.js';
import { createFakeSourceHost, type FakeSourceHost } from './fake-source-host.js';
import { createInMemoryTaskStore } from './in-memory-task-store.js';
import { createManualClock, type ManualClock } from './manual-clock.js';

export interface FakeWorld {
  orchestrator: Orchestrator;
  git: FakeGit;
  agent: FakeAgent;
  runtime: FakeContainerRuntime;
  source: FakeSourceHost;
  ci: FakeCiProvider;
  store: TaskStore;
  clock: ManualClock;
  /** The URL of a seeded repository on the fake host. */
  repo: string;
  /** A second orchestrator over the same fakes and store, as after a restart (or another instance). */
  restart(options?: OrchestratorOptions, ports?: WorldPortOverrides): Orchestrator;
  /** Resolves with the task once it reaches one of `statuses`. */
  waitFor(taskId: string, statuses: readonly TaskStatus[], orchestrator?: Orchestrator): Promise<Task>;
}

/** Ports an orchestrator of the world may have of its own. */
export type WorldPortOverrides = Partial<Pick<OrchestratorPorts, 'store' | 'leases' | 'changes' | 'logger'>>;

export interface FakeWorldOptions {
  agent: (input: FakeTurnInput) => FakeTurnScript | Promise<FakeTurnScript>;
  ci: (target: CiTarget, watch: number) => FakeCiVerdict;
  store?: TaskStore;
  /** Makes every orchestrator of the world one instance of several, on these leases. */
  leases?: TaskLeases;
  changes?: TaskChangeFeed;
  logger?: OrchestratorPorts['logger'];
  options?: OrchestratorOptions;
}

/** Everything an orchestrator needs, in memory: the setting of core's own scenario tests. */
export const createFakeWorld = (settings: FakeWorldOptions): FakeWorld => {
  const git = createFakeGit();
  const repo = 'fake://acme/app';
  git.createRemote(repo, { 'README.md': '# app\n', 'src/sum.ts': 'export const sum = (a: number, b: number) => a - b;\n' });
  const agent = createFakeAgent(settings.agent);
  const runtime = createFakeContainerRuntime({ commands: { git: git.command, [agent.binary]: agent.command } });
  const source = createFakeSourceHost({ git });
  const ci = createFakeCiProvider(settings.ci);
  const store = settings.store ?? createInMemoryTaskStore();
  const clock = createManualClock();
  const build = (options?: OrchestratorOptions, ports: WorldPortOverrides = {}) =>
    createOrchestrator(
      {
        runtime,
        agents: { amp: agent.driver },
        source,
        ci,
        store,
        clock,
        ...(settings.leases ? { leases: settings.leases } : {}),
        ...(settings.changes ? { changes: settings.changes } : {}),
        ...(settings.logger ? { logger: settings.logger } : {}),
        ...ports,
      },
      { instanceId: 'test', ...settings.options, ...options },
    );
  const orchestrator = build();
  const waitFor = async (taskId: string, statuses: readonly TaskStatus[], on = orchestrator): Promise<Task> => {
    const reached = firstValueFrom(
      on.events$.pipe(filter((event) => event.taskId === taskId && event.type === 'task-status-changed' && statuses.includes(event.to))),
    );
    const current = await store.getTask(taskId);
    if (current && statuses.includes(current.status)) return current;
    await reached;
    // The snapshot is written before the event is published.
    return (await store.getTask(taskId)) as Task;
  };
  return { orchestrator, git, agent, runtime, source, ci, store, clock, repo, restart: build, waitFor };
};
