import type { Duplex } from 'node:stream';

/**
 * The slice of dockerode's `Docker` that the runtime calls. A `new Docker()` fits it; tests and
 * users may pass anything else shaped like it.
 */
export interface DockerClient {
  createContainer(options: DockerContainerCreateOptions): Promise<{ id: string }>;
  getContainer(id: string): DockerContainer;
  listContainers(options: { all?: boolean; filters?: string }): Promise<DockerContainerSummary[]>;
}

export interface DockerContainerCreateOptions {
  name?: string;
  Image: string;
  Cmd: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  HostConfig?: Record<string, unknown>;
}

export interface DockerContainerSummary {
  Id: string;
  Labels?: Record<string, string> | null;
  State?: string;
}

export interface DockerContainerInspect {
  Id: string;
  Config?: { Labels?: Record<string, string> | null; Env?: string[] | null; Cmd?: string[] | null; Entrypoint?: string[] | string | null };
  State?: { Running?: boolean; OOMKilled?: boolean; Status?: string };
  HostConfig?: { Memory?: number };
}

export interface DockerContainer {
  start(): Promise<unknown>;
  stop(options?: { t?: number }): Promise<unknown>;
  remove(options?: { force?: boolean; v?: boolean }): Promise<unknown>;
  inspect(): Promise<DockerContainerInspect>;
  exec(options: DockerExecCreateOptions): Promise<DockerExec>;
}

export interface DockerExecCreateOptions {
  Cmd: string[];
  Env?: string[];
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  User?: string;
}

export interface DockerExec {
  start(options: { hijack: boolean; stdin: boolean }): Promise<Duplex | NodeJS.ReadWriteStream>;
  inspect(): Promise<{ Running?: boolean; ExitCode?: number | null }>;
}
