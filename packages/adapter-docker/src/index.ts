/** @ampo/adapter-docker: ContainerRuntime for ampo on a Docker engine (dockerode). Not built yet: see the project's open issues. */
export const packageName = '@ampo/adapter-docker';
