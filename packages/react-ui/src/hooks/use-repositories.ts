import type { Repositories } from '../client/http-client.js';
import type { RequestSnapshot } from '../client/request-store.js';
import { useAmpoClient } from './ampo-provider.js';
import { useStore } from './use-store.js';

/** The repositories the server offers for new tasks. */
export const useRepositories = (): RequestSnapshot<Repositories> => useStore(useAmpoClient().repositories());
