import { useSyncExternalStore } from 'react';
import type { ExternalStore } from '../client/external-store.js';

/** Reads an ampo store; on a server, its first (loading) snapshot. */
export const useStore = <T>(store: ExternalStore<T>): T => useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
