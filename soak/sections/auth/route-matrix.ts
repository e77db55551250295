// Every route that needs a credential, asked with every wrong one: only 401 (no valid credential)
// or 403 (not enough scope) may come back. Anything else means the request got past the guard.
import WebSocket from 'ws';
import type { Operation } from '../bad-input/openapi-operations.js';
import type { PacedClient } from '../bad-input/paced-client.js';
import { hasReason } from '../bad-input/response-tally.js';
import type { Credential } from './forged-tokens.js';

export interface AuthTally {
  attempts: number;
  bypassed: number;
  /** Refusals that are not problem details with a reason. */
  refusedWithoutReason: number;
  /** The right credential was refused: the matrix would prove nothing. */
  controlsFailed: number;
  examples: string[];
}

export const createAuthTally = (): AuthTally => ({ attempts: 0, bypassed: 0, refusedWithoutReason: 0, controlsFailed: 0, examples: [] });

const remember = (tally: AuthTally, line: string) => {
  if (tally.examples.length < 30) tally.examples.push(line);
};

/** A request that would do something real if it got through: a real repo, a well-formed body. */
const requestOf = (operation: Operation, repo: string, control: boolean) => ({
  method: operation.method,
  path: operation.path.replace('{id}', '00000000-0000-4000-8000-000000000000'),
  ...(operation.method === 'POST'
    ? {
        // The control stops at validation (400), so it creates nothing.
        body: JSON.stringify(
          control
            ? { unexpected: true }
            : operation.path === '/api/tasks'
              ? { repo, prompt: 'Got past the guard' }
              : operation.path.endsWith('/messages')
                ? { text: 'Got past the guard' }
                : {},
        ),
      }
    : {}),
});

/** The scope a route needs beyond tasks:read, by what it does. */
const needs = (operation: Operation) =>
  operation.path === '/metrics'
    ? 'admin'
    : operation.method !== 'GET' && operation.path.startsWith('/api/tasks')
      ? 'tasks:write'
      : 'tasks:read';

export const askEveryRoute = async (options: {
  client: PacedClient;
  operations: Operation[];
  credentials: Credential[];
  tokens: Record<'tasks:read' | 'tasks:write' | 'admin', string>;
  repo: string;
  tally: AuthTally;
}) => {
  const { client, tally } = options;
  const secured = options.operations.filter((operation) => operation.secured && !operation.websocket);
  const ask = async (operation: Operation, credential: Credential, expect: 'refused' | 'allowed') => {
    tally.attempts += 1;
    const request = requestOf(operation, options.repo, expect === 'allowed');
    const response = await client.send({ ...request, headers: { 'content-type': 'application/json', ...credential.headers } });
    const refused = response.status === 401 || response.status === 403;
    const where = `${credential.name} on ${operation.method} ${operation.path}`;
    if (expect === 'refused' && !refused && response.status !== 429) {
      tally.bypassed += 1;
      remember(tally, `bypass: ${where} answered ${response.status} ${response.body.slice(0, 160)}`);
    } else if (expect === 'refused' && refused && !hasReason(response)) {
      tally.refusedWithoutReason += 1;
      remember(tally, `refused without a reason: ${where}: ${response.status} ${response.contentType}`);
    } else if (expect === 'allowed' && refused) {
      tally.controlsFailed += 1;
      remember(tally, `control refused: ${where}: ${response.status} ${response.body.slice(0, 160)}`);
    }
  };
  for (const operation of secured) {
    for (const credential of options.credentials) await ask(operation, credential, 'refused');
    const scope = needs(operation);
    // Read-only on write routes, write on admin routes.
    if (scope !== 'tasks:read')
      await ask(operation, { name: 'a tasks:read token', headers: { authorization: `Bearer ${options.tokens['tasks:read']}` } }, 'refused');
    if (scope === 'admin')
      await ask(
        operation,
        { name: 'a tasks:write token', headers: { authorization: `Bearer ${options.tokens['tasks:write']}` } },
        'refused',
      );
    // The control: the scope the route needs gets past the guard (on to a 404 for a task that does not exist).
    await ask(operation, { name: `a ${scope} token`, headers: { authorization: `Bearer ${options.tokens[scope]}` } }, 'allowed');
  }
};

/** Resolves with the upgrade's outcome: `open` or the HTTP status that refused it. */
const upgrade = (url: string, headers: Record<string, string>, query = '') =>
  new Promise<number | 'open'>((resolve) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/events${query}`, { headers });
    socket.once('open', () => {
      socket.close(1000);
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolve(0));
  });

/** The live WebSocket with every wrong credential, forged `?ticket=`s, and a real ticket used twice. */
export const askLiveSocket = async (options: {
  url: string;
  credentials: Credential[];
  tokens: Record<string, string>;
  tally: AuthTally;
}) => {
  const { url, tally } = options;
  const refused = async (name: string, headers: Record<string, string>, query = '') => {
    tally.attempts += 1;
    const outcome = await upgrade(url, headers, query);
    if (outcome === 'open' || (outcome !== 401 && outcome !== 403 && outcome !== 429)) {
      tally.bypassed += outcome === 'open' ? 1 : 0;
      remember(tally, `live socket with ${name}: ${outcome}`);
    }
  };
  for (const credential of options.credentials) await refused(credential.name, credential.headers);
  const access = options.tokens['tasks:read'] ?? '';
  await refused('an access token as ?ticket=', {}, `?ticket=${access}`);
  await refused('a garbage ?ticket=', {}, '?ticket=garbage');
  const issued = await fetch(`${url}/api/auth/ticket`, { method: 'POST', headers: { authorization: `Bearer ${access}` } });
  const { ticket } = (await issued.json()) as { ticket: string };
  tally.attempts += 1;
  if ((await upgrade(url, {}, `?ticket=${ticket}`)) !== 'open') {
    tally.controlsFailed += 1;
    remember(tally, 'control refused: a fresh ticket did not open the live socket');
  }
  await refused('the same ticket again', {}, `?ticket=${ticket}`);
};
