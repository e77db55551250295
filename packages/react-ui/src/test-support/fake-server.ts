import { randomBytes } from 'node:crypto';
import { createFakeWorld, type FakeWorldOptions } from '@ampo/core/testing';
import { type AmpoServer, createAuthenticator, createServer, type ListeningServer, type LiveSettings } from '@ampo/server';
import WebSocket from 'ws';
import { type AmpoClientSettings, createAmpoClient } from '../client/ampo-client.js';
import type { WebSocketConstructor } from '../client/live-connection.js';

/**
 * A real ampo server on 127.0.0.1 over core's in-memory world, and a bearer token for it: what
 * the client and hook tests talk to instead of a mocked fetch.
 */
export const startFakeServer = async (world: FakeWorldOptions, live?: LiveSettings) => {
  const fake = createFakeWorld(world);
  const secret = randomBytes(32);
  const server: AmpoServer = createServer({
    orchestrator: fake.orchestrator,
    auth: { secret },
    rateLimit: false,
    repositories: { list: [fake.repo] },
    ...(live ? { live } : {}),
  });
  const listening: ListeningServer = await server.listen({ port: 0 });
  const { token } = await createAuthenticator({ secret }).tokens.issue({
    subject: 'tester',
    scopes: ['admin'],
    use: 'access',
    ttlSeconds: 3600,
  });
  const clients: ReturnType<typeof createAmpoClient>[] = [];
  return {
    ...fake,
    server,
    url: listening.url,
    token,
    /** A client of this server over Node's fetch and the `ws` package's WebSocket. */
    client(settings: AmpoClientSettings = {}) {
      const client = createAmpoClient({
        baseUrl: listening.url,
        token,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        reconnect: { minDelayMs: 20, maxDelayMs: 200 },
        gcMs: 50,
        refreshMs: 20,
        ...settings,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.dispose();
      await fake.orchestrator.stop();
      await listening.close();
    },
  };
};

export type FakeServer = Awaited<ReturnType<typeof startFakeServer>>;

/** Resolves once `check` returns something other than `undefined` or `false`, trying on every tick. */
export const eventually = async <T>(check: () => T | undefined | false, what: string, attempts = 2_000): Promise<T> => {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
};
