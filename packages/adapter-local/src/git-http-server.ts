import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';

export interface GitHttpServerSettings {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  /** The password git must send (as `x-access-token:<token>`). @default a random one per server */
  token?: string;
  /** The git executable's directory for `git http-backend`. @default found through `git --exec-path` */
  gitExecPath?: string;
}

export interface GitHttpServer {
  /** `http://host:port` */
  readonly url: string;
  readonly token: string;
  /** Serves the bare repository at `path` and returns its clone URL. Idempotent. */
  serve(path: string): string;
  /** The `GIT_CONFIG_*` environment that makes git send the token, for one exec. */
  authEnv(): Record<string, string>;
  close(): Promise<void>;
}

const gitExecPath = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn('git', ['--exec-path']);
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`git --exec-path exited ${code}`))));
  });

const authorized = (request: IncomingMessage, expected: string): boolean => {
  const header = request.headers.authorization ?? '';
  const match = /^basic\s+(.+)$/i.exec(header);
  if (!match?.[1]) return false;
  const [, password = ''] = Buffer.from(match[1], 'base64').toString().split(/:(.*)/s);
  const given = Buffer.from(password);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
};

/**
 * Git's smart HTTP protocol on loopback, through `git http-backend`, for bare repositories on disk.
 * Workspace containers on the host network clone and push through it, so no repository is ever
 * mounted into a container. Every request must carry the server's token.
 */
export const createGitHttpServer = async (settings: GitHttpServerSettings = {}): Promise<GitHttpServer> => {
  const token = settings.token ?? randomBytes(24).toString('hex');
  const execPath = settings.gitExecPath ?? (await gitExecPath());
  const repositories = new Map<string, string>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    if (!authorized(request, token)) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="ampo"' }).end('authentication required\n');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, id = '', ...rest] = url.pathname.split('/');
    const path = repositories.get(id);
    if (!path || rest[0] !== basename(path) || rest.includes('..')) {
      response.writeHead(404).end('no such repository\n');
      return;
    }
    const backend = spawn(`${execPath}/git-http-backend`, [], {
      env: {
        GIT_PROJECT_ROOT: dirname(path),
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `/${rest.join('/')}`,
        REQUEST_METHOD: request.method ?? 'GET',
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
        ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
        // An authenticated user enables receive-pack (push).
        REMOTE_USER: 'ampo',
        REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
        PATH: process.env.PATH ?? '/usr/bin:/bin',
      },
    });
    request.pipe(backend.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    backend.stdout.on('data', (data: Buffer) => {
      if (headersSent) {
        response.write(data);
        return;
      }
      head = Buffer.concat([head, data]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) response.setHeader(name, value);
      }
      response.writeHead(status);
      headersSent = true;
      response.write(head.subarray(end + 4));
    });
    backend.on('close', () => {
      if (!headersSent) response.writeHead(502).end('git http-backend failed\n');
      else response.end();
    });
    backend.on('error', () => {
      if (!headersSent) response.writeHead(500).end('git http-backend could not start\n');
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(settings.port ?? 0, settings.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  const base = `http://${settings.host ?? '127.0.0.1'}:${address.port}`;
  let nextId = 1;
  const ids = new Map<string, string>();

  return {
    url: base,
    token,
    serve(path) {
      let id = ids.get(path);
      if (!id) {
        id = `r${nextId++}`;
        ids.set(path, id);
        repositories.set(id, path);
      }
      return `${base}/${id}/${basename(path)}`;
    },
    authEnv: () => ({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
      GIT_TERMINAL_PROMPT: '0',
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
