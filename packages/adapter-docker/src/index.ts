export { createDockerRuntime, type DockerRuntime, dockerLabels, type SweepOptions } from './create-docker-runtime.js';
export type {
  DockerClient,
  DockerContainer,
  DockerContainerCreateOptions,
  DockerContainerInspect,
  DockerContainerSummary,
  DockerExec,
  DockerExecCreateOptions,
} from './docker-client.js';
export { createDockerEngineClient } from './docker-engine-client.js';
export {
  type DockerEngineConnection,
  type DockerEngineSettings,
  type DockerEngineTls,
  type DockerodeConnectionOptions,
  resolveDockerEngine,
} from './docker-engine-connection.js';
export type { DockerHardening, DockerResources, DockerRuntimeSettings } from './docker-runtime-settings.js';
