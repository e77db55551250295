import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmpoError } from '@ampo/core';

/** TLS material of a TCP engine, as PEM text. */
export interface DockerEngineTls {
  /** The CA that signed the engine's certificate; the engine's certificate is verified against it. */
  ca: string | Buffer;
  /** The client certificate the engine checks (`dockerd --tlsverify` requires one). Given with `key`. */
  cert?: string | Buffer;
  /** The client certificate's private key. Given with `cert`. */
  key?: string | Buffer;
}

/** Where the Docker engine is, and how to reach it. Each field left out is read from the environment as Docker's CLI reads it. */
export interface DockerEngineSettings {
  /**
   * `unix:///path/to/docker.sock` or `tcp://host:port`.
   * @default DOCKER_HOST, else unix:///var/run/docker.sock
   */
  host?: string;
  /**
   * TLS for a `tcp://` host: the PEM texts, `{ certPath }` (a directory holding `ca.pem`,
   * `cert.pem` and `key.pem`, like DOCKER_CERT_PATH), or `false` for plain TCP.
   * @default DOCKER_CERT_PATH's files when DOCKER_TLS_VERIFY is set (non-empty), else plain TCP
   */
  tls?: DockerEngineTls | { certPath: string } | false;
}

/** The connection options dockerode (docker-modem) takes. Every field is set, so none of them falls back to docker-modem's own reading of the environment. */
export interface DockerodeConnectionOptions {
  socketPath: string | undefined;
  host: string | undefined;
  port: number | undefined;
  protocol: 'http' | 'https';
  ca: Buffer | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
}

export interface DockerEngineConnection {
  /** The engine's address for messages, e.g. `tcp://127.0.0.1:2376 (TLS)`. Never holds key material. */
  address: string;
  options: DockerodeConnectionOptions;
}

export type Environment = Readonly<Record<string, string | undefined>>;

const defaultSocket = '/var/run/docker.sock';
const portsByTls = { tls: 2376, plain: 2375 } as const;

const invalid = (message: string) => new AmpoError('invalid-input', `Docker engine: ${message}`);

interface ParsedHost {
  kind: 'unix' | 'tcp';
  socketPath?: string;
  host?: string;
  port?: number;
}

/** Parses `unix://…` and `tcp://host[:port]`, the two forms ampo supports of DOCKER_HOST. */
export const parseDockerHost = (value: string, from: string): ParsedHost => {
  // A password in the address must not reach a message.
  const shown = JSON.stringify(value.replace(/\/\/[^/@]*@/, '//***@'));
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const socketPath = value.slice('unix://'.length) || defaultSocket;
    if (!socketPath.startsWith('/')) throw invalid(`${from} ${shown} needs an absolute socket path, e.g. unix:///var/run/docker.sock.`);
    return { kind: 'unix', socketPath };
  }
  if (scheme === 'ssh' || scheme === 'npipe' || scheme === 'fd') {
    throw invalid(`${from} ${shown}: ${scheme}:// engines are not supported; use tcp://host:port with TLS, or a unix:// socket.`);
  }
  if (scheme !== 'tcp') {
    throw invalid(
      `${from} ${shown} is not an engine address: use tcp://host:port (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or unix:///path/to/docker.sock.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${from} ${shown} is not a valid tcp:// address; expected tcp://host:port.`);
  }
  if (url.hostname === '') throw invalid(`${from} ${shown} names no host; expected tcp://host:port.`);
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '' && url.pathname !== '/')) {
    throw invalid(`${from} ${shown} may only hold a host and a port (no user, path or query); expected tcp://host:port.`);
  }
  // `new URL` keeps IPv6 brackets in `hostname`; sockets want the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { kind: 'tcp', host, ...(url.port ? { port: Number(url.port) } : {}) };
};

const readPem = (path: string, what: string, from: string, readFile: (path: string) => Buffer): Buffer => {
  let content: Buffer;
  try {
    content = readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw invalid(`the ${what} ${path} (from ${from}) cannot be read (${code}); it must hold ca.pem, cert.pem and key.pem.`);
  }
  // Only the file's name goes into the message, never its content.
  if (!content.includes('-----BEGIN ')) throw invalid(`the ${what} ${path} (from ${from}) is not a PEM file.`);
  return content;
};

const fromCertPath = (certPath: string, from: string, readFile: (path: string) => Buffer) => {
  if (certPath.trim() === '') throw invalid(`${from} is empty; it must name the directory holding ca.pem, cert.pem and key.pem.`);
  return {
    ca: readPem(join(certPath, 'ca.pem'), 'CA certificate', from, readFile),
    cert: readPem(join(certPath, 'cert.pem'), 'client certificate', from, readFile),
    key: readPem(join(certPath, 'key.pem'), 'client key', from, readFile),
  };
};

const toBuffer = (value: string | Buffer) => (typeof value === 'string' ? Buffer.from(value) : value);

const fromExplicitTls = (tls: DockerEngineTls) => {
  if (tls.ca === undefined || toBuffer(tls.ca).length === 0)
    throw invalid('tls.ca is required: the PEM of the CA that signed the engine certificate.');
  if ((tls.cert === undefined) !== (tls.key === undefined)) throw invalid('tls.cert and tls.key go together: give both or neither.');
  return {
    ca: toBuffer(tls.ca),
    cert: tls.cert === undefined ? undefined : toBuffer(tls.cert),
    key: tls.key === undefined ? undefined : toBuffer(tls.key),
  };
};

/**
 * Resolves where the engine is and how to reach it: explicit settings first, then the environment
 * as Docker's CLI reads it (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH). Throws
 * `invalid-input` naming the variable or setting at fault. Reads the certificate files.
 */
export const resolveDockerEngine = (
  settings: DockerEngineSettings = {},
  env: Environment = process.env,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): DockerEngineConnection => {
  const hostFrom = settings.host !== undefined ? 'engine.host' : 'DOCKER_HOST';
  // Like the CLI, an empty DOCKER_HOST counts as unset.
  const hostValue = settings.host ?? (env.DOCKER_HOST || `unix://${defaultSocket}`);
  const parsed = parseDockerHost(hostValue, hostFrom);

  if (parsed.kind === 'unix') {
    if (settings.tls) throw invalid(`engine.tls is for tcp:// hosts; ${hostFrom} is the socket ${parsed.socketPath}.`);
    const socketPath = parsed.socketPath as string;
    return {
      address: `unix://${socketPath}`,
      options: { socketPath, host: undefined, port: undefined, protocol: 'http', ca: undefined, cert: undefined, key: undefined },
    };
  }

  let material: { ca: Buffer; cert: Buffer | undefined; key: Buffer | undefined } | undefined;
  if (settings.tls !== undefined) {
    if (settings.tls === false) material = undefined;
    else if ('certPath' in settings.tls) material = fromCertPath(settings.tls.certPath, 'engine.tls.certPath', readFile);
    else material = fromExplicitTls(settings.tls);
  } else if (env.DOCKER_TLS_VERIFY) {
    // The CLI turns verification on for any non-empty DOCKER_TLS_VERIFY, "0" included.
    if (!env.DOCKER_CERT_PATH) {
      throw invalid(
        'DOCKER_TLS_VERIFY is set but DOCKER_CERT_PATH is not: set it to the directory holding ca.pem, cert.pem and key.pem (ampo does not fall back to ~/.docker).',
      );
    }
    material = fromCertPath(env.DOCKER_CERT_PATH, 'DOCKER_CERT_PATH', readFile);
  }

  const port = parsed.port ?? (material ? portsByTls.tls : portsByTls.plain);
  const host = parsed.host as string;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    address: `tcp://${shownHost}:${port}${material ? ' (TLS)' : ''}`,
    options: {
      socketPath: undefined,
      host,
      port,
      protocol: material ? 'https' : 'http',
      ca: material?.ca,
      cert: material?.cert,
      key: material?.key,
    },
  };
};
