import { randomBytes } from 'node:crypto';
import { AmpoError, type ContainerRuntime, type Workspace, type WorkspaceInfo, type WorkspaceSpec } from '@ampo/core';
import type { DockerClient } from './docker-client.js';
import { createDockerEngineClient, describeInjectedClient } from './docker-engine-client.js';
import { isNotFound, toAmpoError as toAmpoErrorAt } from './docker-errors.js';
import { type DockerRuntimeSettings, resourceDefaults } from './docker-runtime-settings.js';
import { createDockerWorkspace } from './docker-workspace.js';

/** Label keys the runtime owns. */
export const dockerLabels = { task: 'ampo.task', instance: 'ampo.instance' } as const;

export interface SweepOptions {
  /** Task ids still running; every other workspace is removed. */
  liveTaskIds?: Iterable<string>;
  /** Or decide per task; true keeps the workspace. */
  isLive?: (taskId: string) => boolean | Promise<boolean>;
}

export interface DockerRuntime extends ContainerRuntime {
  /** Removes the workspaces (of this instance and labels) whose task is not live. Returns the removed ids. */
  sweep(options: SweepOptions): Promise<string[]>;
}

const containerName = (taskId: string) => `ampo-${taskId.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;

const positive = (value: number | undefined, name: string, whole: boolean) => {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    throw new AmpoError('invalid-input', `createDockerRuntime: ${name} must be a positive ${whole ? 'whole ' : ''}number, not ${value}.`);
  }
};

const checkSettings = (settings: DockerRuntimeSettings) => {
  if (typeof settings.image !== 'string' || settings.image.trim() === '') {
    throw new AmpoError('invalid-input', 'createDockerRuntime needs an image (see packages/adapter-docker/worker-image).');
  }
  positive(settings.resources?.memoryBytes, 'resources.memoryBytes', true);
  positive(settings.resources?.cpus, 'resources.cpus', false);
  positive(settings.resources?.pids, 'resources.pids', true);
  positive(settings.cancelGraceMs, 'cancelGraceMs', false);
  positive(settings.outputHighWaterMark, 'outputHighWaterMark', true);
  for (const [key, value] of Object.entries({ ...settings.labels })) {
    if (typeof value !== 'string' || key === '' || key === dockerLabels.task || key === dockerLabels.instance) {
      throw new AmpoError(
        'invalid-input',
        `createDockerRuntime: label ${JSON.stringify(key)} is not allowed (plain strings; ampo.task and ampo.instance are the runtime's own).`,
      );
    }
  }
};

/** A {@link ContainerRuntime} on a Docker engine: one long-lived, hardened container per task. */
export const createDockerRuntime = (settings: DockerRuntimeSettings): DockerRuntime => {
  checkSettings(settings);
  if (settings.docker && settings.engine) throw new AmpoError('invalid-input', 'createDockerRuntime: give docker or engine, not both.');
  const ownClient = settings.docker ? undefined : createDockerEngineClient(settings.engine);
  const docker: DockerClient = settings.docker ?? (ownClient?.docker as unknown as DockerClient);
  // Named in error messages; never holds key material.
  const engine = ownClient?.address ?? describeInjectedClient(settings.docker);
  const toAmpoError = (error: unknown, doing: string, context: { image?: string } = {}) =>
    toAmpoErrorAt(error, doing, { ...context, engine });
  const instanceId = settings.instanceId ?? 'default';
  const scopeLabels = { ...settings.labels, [dockerLabels.instance]: instanceId };
  const resources = { ...resourceDefaults, ...settings.resources };
  const hardening = settings.hardening ?? {};
  const workspaceSettings = {
    highWaterMark: settings.outputHighWaterMark ?? 2 ** 20,
    cancelGraceMs: settings.cancelGraceMs ?? 2000,
    engine,
  };

  const handle = (id: string, taskId: string): Workspace => createDockerWorkspace(docker.getContainer(id), id, taskId, workspaceSettings);

  const list = async (labels: Record<string, string> = {}): Promise<WorkspaceInfo[]> => {
    const filters = [dockerLabels.task, ...Object.entries({ ...scopeLabels, ...labels }).map(([key, value]) => `${key}=${value}`)];
    const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: filters }) }).catch((error: unknown) => {
      throw toAmpoError(error, 'list workspaces');
    });
    return containers.map((container) => {
      const containerLabels = { ...container.Labels };
      return {
        id: container.Id,
        taskId: containerLabels[dockerLabels.task] ?? '',
        labels: containerLabels,
        running: container.State === 'running',
      };
    });
  };

  const remove = async (workspaceId: string) => {
    await docker
      .getContainer(workspaceId)
      .remove({ force: true, v: true })
      .catch((error: unknown) => {
        // Gone already, or a removal already under way: either way it is going.
        if (isNotFound(error) || (error as { statusCode?: number }).statusCode === 409) return;
        throw toAmpoError(error, `remove workspace ${workspaceId}`);
      });
  };

  return {
    async create(spec: WorkspaceSpec): Promise<Workspace> {
      const created = await docker
        .createContainer({
          name: containerName(spec.taskId),
          Image: settings.image,
          // The init (tini) reaps exec'd processes; sleep keeps the container up between execs.
          Cmd: ['sleep', 'infinity'],
          Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
          User: settings.user ?? '1000:1000',
          WorkingDir: settings.workingDir ?? '/workspace',
          Labels: { ...spec.labels, ...scopeLabels, [dockerLabels.task]: spec.taskId },
          HostConfig: {
            Init: true,
            NetworkMode: settings.network ?? 'bridge',
            Memory: resources.memoryBytes,
            MemorySwap: resources.memoryBytes,
            NanoCpus: Math.round(resources.cpus * 1e9),
            PidsLimit: resources.pids,
            CapDrop: hardening.capDrop ?? ['ALL'],
            CapAdd: hardening.capAdd ?? [],
            SecurityOpt: hardening.allowNewPrivileges ? [] : ['no-new-privileges'],
            Privileged: hardening.privileged ?? false,
          },
        })
        .catch((error: unknown) => {
          throw toAmpoError(error, `create a workspace for task ${spec.taskId}`, { image: settings.image });
        });
      try {
        await docker.getContainer(created.id).start();
      } catch (error) {
        await remove(created.id).catch(() => {});
        throw toAmpoError(error, `start the workspace of task ${spec.taskId}`, { image: settings.image });
      }
      return handle(created.id, spec.taskId);
    },

    async get(workspaceId: string): Promise<Workspace | undefined> {
      try {
        const info = await docker.getContainer(workspaceId).inspect();
        const taskId = info.Config?.Labels?.[dockerLabels.task];
        return taskId === undefined ? undefined : handle(info.Id, taskId);
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw toAmpoError(error, `look up workspace ${workspaceId}`);
      }
    },

    list,

    async stop(workspaceId: string) {
      await docker
        .getContainer(workspaceId)
        .stop({ t: 5 })
        .catch((error: unknown) => {
          // 304: already stopped.
          if ((error as { statusCode?: number }).statusCode === 304) return;
          throw toAmpoError(error, `stop workspace ${workspaceId}`);
        });
    },

    remove,

    async sweep(options: SweepOptions): Promise<string[]> {
      if (!options.liveTaskIds && !options.isLive) throw new AmpoError('invalid-input', 'sweep needs liveTaskIds or isLive.');
      const live = options.liveTaskIds ? new Set(options.liveTaskIds) : undefined;
      const removed: string[] = [];
      for (const workspace of await list()) {
        const keep = live ? live.has(workspace.taskId) : options.isLive ? await options.isLive(workspace.taskId) : true;
        if (keep) continue;
        await remove(workspace.id);
        removed.push(workspace.id);
      }
      return removed;
    },
  };
};
