// What the Docker engine holds about a run's containers, read through its CLI.
import { execFileSync } from 'node:child_process';
import { containersLabelled } from '@ampo/testkit';

export { containersLeft } from '../../packages/server/src/cli/__fixtures__/child-process.js';

export interface ContainerInspect {
  Id: string;
  Name: string;
  Config: { User?: string; Env?: string[]; Labels?: Record<string, string>; Cmd?: string[] };
  HostConfig: {
    CapDrop?: string[] | null;
    CapAdd?: string[] | null;
    SecurityOpt?: string[] | null;
    Privileged?: boolean;
    Memory?: number;
    NanoCpus?: number;
    CpuQuota?: number;
    PidsLimit?: number | null;
    NetworkMode?: string;
    Binds?: string[] | null;
  };
  Mounts?: Array<{ Source?: string; Destination?: string }>;
  State: { Running: boolean };
}

/** The containers of an instance (any state), inspected; the raw JSON too, for the secret search. */
export const inspectInstance = (instanceId: string): Array<{ raw: string; inspect: ContainerInspect }> => {
  const ids = containersLabelled(`ampo.instance=${instanceId}`);
  if (ids.length === 0) return [];
  let raw: string;
  try {
    raw = execFileSync('docker', ['inspect', ...ids], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // A container removed between the listing and the inspection: inspect the rest.
    raw = (error as { stdout?: string }).stdout ?? '[]';
  }
  const parsed = JSON.parse(raw || '[]') as ContainerInspect[];
  return parsed.map((inspect) => ({ raw: JSON.stringify(inspect), inspect }));
};

/** The user ids of the processes running in a container (`docker top`), or [] once it is gone. */
export const processUsers = (containerId: string): string[] => {
  try {
    return execFileSync('docker', ['top', containerId, '-eo', 'uid,pid'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((line) => line !== '');
  } catch {
    return [];
  }
};

/** Calls `observe` every `intervalMs` until stopped; the observer's own errors end nothing. */
export const poll = (intervalMs: number, observe: () => void | Promise<void>) => {
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      try {
        await observe();
      } catch {
        // A container or process gone mid-read: the next round sees the rest.
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return async () => {
    stopped = true;
    await done;
  };
};

/** Removes every container of the instance (the soak's own clean-up, after the figures are counted). */
export const removeContainers = (instanceId: string) => {
  const ids = containersLabelled(`ampo.instance=${instanceId}`);
  if (ids.length > 0) execFileSync('docker', ['rm', '--force', '--volumes', ...ids], { stdio: 'ignore' });
};
