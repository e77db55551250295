// One run of the server with the scripted agent: N tasks created over REST and followed live to
// their end, while `observe` looks at the machine (containers, processes) every few hundred ms.
import { randomUUID } from 'node:crypto';
import type { OrchestratorEvent } from '@ampo/core';
import { prepareDocker } from '@ampo/testkit';
import { createApiClient } from './api-client.js';
import { containersLeft, poll, removeContainers } from './docker-inspect.js';
import { createLiveFollower } from './live-follower.js';
import { createSoakRepository, type ScenarioTweaks } from './sample-repository.js';
import { createSoakServer } from './server-process.js';
import { isTerminal, taskOutcomes } from './task-outcomes.js';

export interface TaskRunSettings {
  name: string;
  tasks: number;
  env?: NodeJS.ProcessEnv;
  scenario?: ScenarioTweaks;
  /** Writes files into the data directory before the first start (e.g. the token secret). */
  prepareDataDirectory?: (dataDirectory: string) => void;
  /** Called repeatedly while the tasks run, with the run's instance id. */
  observe?: (instanceId: string) => void | Promise<void>;
  observeEveryMs?: number;
  /** SIGKILL the server once, when the first task's agent starts its first turn, and start it again. */
  killOnce?: boolean;
  progress(message: string): void;
}

const ended = (event: OrchestratorEvent) => event.type === 'task-status-changed' && isTerminal(event.to);

/** Runs the tasks to their end; the caller searches what the run left (`server`, `api`, `live`) and then calls `dispose`. */
export const runTasks = async (settings: TaskRunSettings) => {
  const image = await prepareDocker();
  const instanceId = `soak-${settings.name}-${randomUUID().slice(0, 8)}`;
  const repository = createSoakRepository(settings.scenario);
  const server = createSoakServer({
    image,
    instanceId,
    repositoryRoot: repository.root,
    repo: repository.repo,
    ...(settings.env ? { env: settings.env } : {}),
  });
  settings.prepareDataDirectory?.(server.dataDirectory);
  const token = await server.token();
  const api = createApiClient(token);
  const live = createLiveFollower(token);
  const stopObserving = settings.observe ? poll(settings.observeEveryMs ?? 200, () => settings.observe?.(instanceId)) : undefined;
  const taskIds: string[] = [];
  try {
    await server.start();
    await live.connect(server.current.url);
    for (let index = 0; index < settings.tasks; index++) {
      const taskId = await api.createTask(server.current.url, 'Let sum take an offset', repository.repo, `${instanceId}-${index}`);
      taskIds.push(taskId);
      live.follow(taskId);
    }
    const [first] = taskIds;
    if (settings.killOnce && first) {
      await live.until(first, (event) => event.type === 'agent-turn-started', 240_000);
      await server.kill();
      await server.start();
      await live.connect(server.current.url);
    }
    for (const taskId of taskIds) await live.until(taskId, ended, 300_000);
    settings.progress(`${taskIds.length} tasks ended`);
    const outcomes = await taskOutcomes(api, server.current.url, taskIds);
    for (const problem of outcomes.problems) settings.progress(`task ${problem}`);
    return { image, instanceId, repository, server, api, live, taskIds, outcomes, stopObserving: async () => stopObserving?.() };
  } catch (error) {
    await stopObserving?.();
    live.close();
    await server.kill();
    removeContainers(instanceId);
    throw error;
  }
};

export type TaskRun = Awaited<ReturnType<typeof runTasks>>;

/** Ends what a run started (the observer, the live client, the server) and returns how many of its containers outlived it. */
export const disposeRun = async (run: TaskRun): Promise<number> => {
  await run.stopObserving();
  run.live.close();
  await run.server.stop();
  const orphaned = (await containersLeft(run.instanceId)).length;
  removeContainers(run.instanceId);
  return orphaned;
};
