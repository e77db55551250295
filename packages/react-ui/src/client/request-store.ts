import { createActiveStore } from './external-store.js';
import type { StoreError } from './task-events-store.js';
import { storeError } from './task-store.js';

export interface RequestSnapshot<T> {
  status: 'loading' | 'ready' | 'error';
  data?: T;
  error?: StoreError;
}

/** A value fetched once per activation (the session, the repositories), with `refresh`. */
export const createRequestStore = <T>(load: () => Promise<T>, options: { gcMs: number }) => {
  let generation = 0;
  const store = createActiveStore<RequestSnapshot<T>>(
    { status: 'loading' },
    () => {
      void fetchNow();
      return () => {
        generation++;
      };
    },
    options,
  );
  const fetchNow = async () => {
    const mine = ++generation;
    try {
      const data = await load();
      if (mine === generation) store.set({ status: 'ready', data });
    } catch (error) {
      if (mine === generation) store.set({ status: 'error', error: storeError(error) });
    }
  };
  return Object.assign(store, { refresh: fetchNow });
};
