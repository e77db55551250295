import type { DockerClient } from './docker-client.js';
import type { DockerEngineSettings } from './docker-engine-connection.js';

/** Limits of each workspace container. */
export interface DockerResources {
  /**
   * Memory limit in bytes (swap included: no extra swap is allowed).
   * @default 4294967296 (4 GiB)
   */
  memoryBytes?: number;
  /**
   * CPUs the container may use, fractional allowed.
   * @default 2
   */
  cpus?: number;
  /**
   * Most processes and threads alive at once in the container.
   * @default 1024
   */
  pids?: number;
}

/** Security settings of each workspace container. The defaults are the hardened choice. */
export interface DockerHardening {
  /**
   * Linux capabilities dropped.
   * @default ['ALL']
   */
  capDrop?: string[];
  /**
   * Capabilities added back after the drop.
   * @default []
   */
  capAdd?: string[];
  /**
   * Whether `setuid` binaries and the like may gain privileges (`no-new-privileges` when false).
   * @default false
   */
  allowNewPrivileges?: boolean;
  /**
   * Privileged mode. Never needed by ampo; exists only so that the choice is explicit.
   * @default false
   */
  privileged?: boolean;
}

export interface DockerRuntimeSettings {
  /**
   * The Docker client (dockerode's `Docker`, or anything with the same slice). Give this or
   * `engine`, not both.
   * @default a dockerode client for `engine`
   */
  docker?: DockerClient;
  /**
   * Where the engine is: `{ host: 'tcp://build-1:2376', tls: { certPath } }`, or `{ host, tls: { ca,
   * cert, key } }`. Each field left out is read from DOCKER_HOST, DOCKER_TLS_VERIFY and
   * DOCKER_CERT_PATH as Docker's CLI reads them.
   * @default {} (the environment, else unix:///var/run/docker.sock)
   */
  engine?: DockerEngineSettings;
  /** The worker image, e.g. `ampo-worker:1` (see worker-image/). */
  image: string;
  /**
   * Network mode of workspace containers: `bridge`, `host`, `none` or a network's name.
   * @default 'bridge'
   */
  network?: string;
  resources?: DockerResources;
  hardening?: DockerHardening;
  /** Labels put on every workspace and required by `list` and `sweep`: scope one deployment (or one test run). */
  labels?: Record<string, string>;
  /**
   * User the container's processes run as. The worker image's `agent` user is 1000.
   * @default '1000:1000'
   */
  user?: string;
  /**
   * Working directory of the container and the default `cwd` of every exec.
   * @default '/workspace'
   */
  workingDir?: string;
  /**
   * This orchestrator's id, put on each workspace as the `ampo.instance` label; `list` and
   * `sweep` only see workspaces of the same instance.
   * @default 'default'
   */
  instanceId?: string;
  /**
   * How long a cancelled process gets between SIGTERM and SIGKILL, in milliseconds.
   * @default 2000
   */
  cancelGraceMs?: number;
  /**
   * Characters of output kept for an execution nobody has subscribed to yet; beyond it reading
   * pauses (and so, once the pipe is full, does the process).
   * @default 1048576
   */
  outputHighWaterMark?: number;
}

export const resourceDefaults = { memoryBytes: 4 * 2 ** 30, cpus: 2, pids: 1024 } as const;
