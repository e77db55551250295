import type { Logger, Orchestrator } from '@ampo/core';
import type { Principal } from '../auth/scopes.js';
import { createLiveConnection, type LiveConnection, type LiveSocket } from './live-connection.js';
import { type LiveSettings, resolveLiveSettings } from './live-settings.js';

/** Every open live connection of one server, so that a shutdown can close them all with 1001. */
export const createLiveHub = (context: { orchestrator: Orchestrator; logger: Logger; now: () => number; settings?: LiveSettings }) => {
  const settings = resolveLiveSettings(context.settings);
  const connections = new Set<LiveConnection>();
  return {
    settings,
    get size() {
      return connections.size;
    },
    open(socket: LiveSocket, principal: Principal): LiveConnection {
      const connection = createLiveConnection({
        socket,
        principal,
        settings,
        orchestrator: context.orchestrator,
        logger: context.logger,
        now: context.now,
      });
      connections.add(connection);
      const forget = connection.closed;
      return {
        receive: connection.receive,
        close: (code, reason) => {
          connections.delete(connection);
          connection.close(code, reason);
        },
        closed: () => {
          connections.delete(connection);
          forget();
        },
      };
    },
    closeAll(code: number, reason: string) {
      for (const connection of [...connections]) connection.close(code, reason);
      connections.clear();
    },
  };
};

export type LiveHub = ReturnType<typeof createLiveHub>;
