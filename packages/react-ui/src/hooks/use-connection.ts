import { useSyncExternalStore } from 'react';
import type { ConnectionState } from '../client/live-connection.js';
import { useAmpoClient } from './ampo-provider.js';

const serverState: ConnectionState = { status: 'idle', attempt: 0, resumes: 0 };

/** The live connection: `online`, `reconnecting` or `offline` (and `idle` / `connecting` around them). */
export const useConnection = (): ConnectionState => {
  const { live } = useAmpoClient();
  return useSyncExternalStore(live.onStateChange, live.getState, () => serverState);
};
