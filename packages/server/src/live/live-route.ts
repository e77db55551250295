import { AmpoError } from '@ampo/core';
import { upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import { requireScope } from '../auth/authenticator.js';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';
import type { LiveConnection, LiveSocket } from './live-connection.js';
import type { LiveHub } from './live-hub.js';

/**
 * `GET /api/events`: the live WebSocket. The credential is checked before the upgrade (a bearer
 * token, the session cookie from this server's own pages, or a one-time ticket in `?ticket=`),
 * so a refused client gets a plain 401/403 and never a socket.
 */
export const liveRoutes = (context: ServerContext, hub: LiveHub) => {
  const app = new Hono<ServerEnv>();
  app.get(
    '/api/events',
    requireScope(context.authenticator, 'tasks:read', { allowTicket: true }),
    async (c, next) => {
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        throw new AmpoError('invalid-input', 'GET /api/events opens a WebSocket: send the request as a WebSocket upgrade.');
      }
      await next();
    },
    upgradeWebSocket((c) => {
      const principal = c.get('principal');
      let connection: LiveConnection | undefined;
      return {
        onOpen(_event, ws) {
          connection = hub.open(ws.raw as unknown as LiveSocket, principal);
        },
        onMessage(event, _ws) {
          connection?.receive(event.data as string | ArrayBuffer);
        },
        onClose() {
          connection?.closed();
        },
        onError() {
          connection?.closed();
        },
      };
    }),
  );
  return app;
};
