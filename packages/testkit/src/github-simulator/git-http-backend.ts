import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Serves git's smart HTTP protocol for the bare repositories under `projectRoot` by running
 * `git http-backend` as a CGI program, as a web server in front of git would.
 */
export const serveGitHttpBackend = (
  request: IncomingMessage,
  response: ServerResponse,
  settings: { projectRoot: string; pathInfo: string; query: string; remoteUser: string; onPushed?: () => void },
): void => {
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: settings.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: settings.pathInfo,
      QUERY_STRING: settings.query,
      REQUEST_METHOD: request.method ?? 'GET',
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      REMOTE_USER: settings.remoteUser,
      REMOTE_ADDR: '127.0.0.1',
      // git http-backend refuses receive-pack for anonymous users; this user was authenticated.
      GIT_HTTP_RECEIVE_PACK: 'true',
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  request.pipe(child.stdin);
  let headerBuffer = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      response.write(chunk);
      return;
    }
    headerBuffer = Buffer.concat([headerBuffer, chunk]);
    const end = headerBuffer.indexOf('\r\n\r\n');
    const altEnd = headerBuffer.indexOf('\n\n');
    const cut = end >= 0 ? end : altEnd;
    if (cut < 0) return;
    const separatorLength = end >= 0 ? 4 : 2;
    const head = headerBuffer.subarray(0, cut).toString('utf8');
    let status = 200;
    for (const line of head.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else response.setHeader(name, value);
    }
    response.statusCode = status;
    headersDone = true;
    const rest = headerBuffer.subarray(cut + separatorLength);
    if (rest.length > 0) response.write(rest);
  });
  child.stderr.resume();
  child.on('close', (code) => {
    if (!headersDone) {
      response.statusCode = 500;
      response.end('git http-backend failed');
      return;
    }
    response.end();
    if (code === 0 && request.method === 'POST' && settings.pathInfo.endsWith('/git-receive-pack')) settings.onPushed?.();
  });
};
