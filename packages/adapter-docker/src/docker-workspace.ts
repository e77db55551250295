import { randomUUID } from 'node:crypto';
import { AmpoError, type ExecOptions, type Execution, type Workspace } from '@ampo/core';
import type { DockerContainer } from './docker-client.js';
import { toAmpoError } from './docker-errors.js';
import { runToEnd } from './docker-exec.js';
import { attachDetachedExecution, type ExecutionContext, startAttachedExecution, startDetachedExecution } from './docker-execution.js';

const oomCounterScript = 'cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null; true';

export const formatBytes = (bytes: number) => (bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`);

export interface WorkspaceSettings {
  highWaterMark: number;
  cancelGraceMs: number;
  /** The engine's address, for error messages. */
  engine?: string | undefined;
}

/** A handle on one workspace container; holds no state beyond its id, so any instance can make one. */
export const createDockerWorkspace = (container: DockerContainer, id: string, taskId: string, settings: WorkspaceSettings): Workspace => {
  let oomKillsSeen = 0;
  // Docker does not always flag OOM kills of exec'd processes, so the cgroup's own counter
  // (`oom_kill` in v1 memory.oom_control, v2 memory.events) is read too.
  const memoryLimitIfKilled = async () => {
    const counters = await runToEnd({ container, engine: settings.engine }, { cmd: ['sh', '-c', oomCounterScript] }).catch(() => undefined);
    const kills = Number(/oom_kill (\d+)/.exec(counters?.stdout ?? '')?.[1] ?? 0);
    const newKills = kills > oomKillsSeen;
    oomKillsSeen = Math.max(oomKillsSeen, kills);
    const info = await container.inspect().catch(() => undefined);
    if (!newKills && !info?.State?.OOMKilled) return undefined;
    return info?.HostConfig?.Memory ? formatBytes(info.HostConfig.Memory) : 'no explicit limit (the machine ran out)';
  };
  const context: ExecutionContext = {
    container,
    engine: settings.engine,
    highWaterMark: settings.highWaterMark,
    cancelGraceTenths: Math.max(1, Math.ceil(settings.cancelGraceMs / 100)),
    describeMemoryLimit: memoryLimitIfKilled,
  };

  /** A stopped workspace (after `stop`, or a machine restart) is started again on demand. */
  const withRunningContainer = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!AmpoError.isInstance(error) || error.code !== 'conflict') throw error;
      const info = await container.inspect().catch((cause: unknown) => {
        throw toAmpoError(cause, `inspect workspace ${id}`, { engine: settings.engine });
      });
      if (info.State?.OOMKilled) {
        const limit = info.HostConfig?.Memory ? formatBytes(info.HostConfig.Memory) : 'the machine';
        throw new AmpoError(
          'out-of-memory',
          `Workspace ${id} was stopped by the kernel for using more than its memory limit of ${limit}; raise resources.memoryBytes.`,
          { cause: error, details: { limit } },
        );
      }
      if (info.State?.Running) throw error;
      await container.start().catch((cause: unknown) => {
        throw toAmpoError(cause, `start workspace ${id} again`, { engine: settings.engine });
      });
      return work();
    }
  };

  return {
    id,
    taskId,
    async exec(argv: readonly string[], options: ExecOptions = {}): Promise<Execution> {
      if (argv.length === 0 || !argv[0]) throw new AmpoError('invalid-input', 'exec needs a command: argv is empty.');
      if (options.detached && options.endOtherProcesses)
        throw new AmpoError('invalid-input', 'exec: endOtherProcesses is for attached commands; a detached one would outlive the rule.');
      const executionId = options.detached && options.executionId ? options.executionId : randomUUID();
      return withRunningContainer(() =>
        options.detached
          ? startDetachedExecution(context, executionId, argv, options)
          : startAttachedExecution(context, executionId, argv, options),
      );
    },
    async attach(executionId: string, fromOffset = 0): Promise<Execution> {
      return withRunningContainer(() => attachDetachedExecution(context, executionId, fromOffset));
    },
  };
};
