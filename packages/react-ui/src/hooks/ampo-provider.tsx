import { createContext, type ReactNode, useContext } from 'react';
import type { AmpoClient } from '../client/ampo-client.js';

const AmpoContext = createContext<AmpoClient | null>(null);

/** Makes `client` available to every ampo hook and component below. */
export const AmpoProvider = ({ client, children }: { client: AmpoClient; children?: ReactNode }) => (
  <AmpoContext.Provider value={client}>{children}</AmpoContext.Provider>
);

/** The client of the nearest `<AmpoProvider>`. */
export const useAmpoClient = (): AmpoClient => {
  const client = useContext(AmpoContext);
  if (!client) throw new Error('ampo hooks and components need an <AmpoProvider client={createAmpoClient(…)}> above them.');
  return client;
};
