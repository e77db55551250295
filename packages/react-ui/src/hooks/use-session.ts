import type { Session } from '../client/http-client.js';
import type { RequestSnapshot } from '../client/request-store.js';
import { useAmpoClient } from './ampo-provider.js';
import { useStore } from './use-store.js';

/** Who is logged in; `error.code` is `unauthorized` without a session. */
export const useSession = (): RequestSnapshot<Session> => useStore(useAmpoClient().session());
