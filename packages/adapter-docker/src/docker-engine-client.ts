import { AmpoError } from '@ampo/core';
import Docker from 'dockerode';
import { type DockerEngineSettings, type Environment, resolveDockerEngine } from './docker-engine-connection.js';

/**
 * A dockerode client for an engine: explicit settings first, then DOCKER_HOST, DOCKER_TLS_VERIFY
 * and DOCKER_CERT_PATH. `address` names the engine in messages and never holds key material.
 */
export const createDockerEngineClient = (settings: DockerEngineSettings = {}, env: Environment = process.env) => {
  const connection = resolveDockerEngine(settings, env);
  try {
    return { docker: new Docker(connection.options), address: connection.address };
  } catch (error) {
    // docker-modem reads the environment itself before applying these options, and throws on what it cannot parse.
    throw new AmpoError(
      'invalid-input',
      `Docker engine: dockerode could not be set up for ${connection.address}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
};

/** The address of an injected client's engine, read from dockerode's modem when it has one. */
export const describeInjectedClient = (docker: unknown): string | undefined => {
  const modem = (docker as { modem?: { socketPath?: unknown; host?: unknown; port?: unknown; protocol?: unknown } }).modem;
  if (!modem) return undefined;
  if (typeof modem.host === 'string') return `tcp://${modem.host}:${String(modem.port ?? '')}${modem.protocol === 'https' ? ' (TLS)' : ''}`;
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  return undefined;
};
