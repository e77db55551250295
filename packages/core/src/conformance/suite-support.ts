import { afterEach, it } from 'vitest';
import { AmpoError } from '../errors.js';

/** The AmpoError a call rejects with; fails the case if it resolves or rejects with anything else. */
export const rejection = async (promise: Promise<unknown>): Promise<AmpoError> => {
  try {
    await promise;
  } catch (error) {
    if (AmpoError.isInstance(error)) return error;
    throw new Error(`Expected an AmpoError, got ${String(error)}`);
  }
  throw new Error('Expected the call to reject, but it resolved.');
};

/**
 * The scaffolding of a conformance suite, called inside its `describe`: `open` creates a fresh store
 * that is closed after the case, and `test` registers a case unless `skip` names it (with a reason).
 */
export const conformanceCases = <Store extends { close(): Promise<void> }>(
  create: () => Store | Promise<Store>,
  skip: Readonly<Record<string, string>>,
) => {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  return {
    open: async (): Promise<Store> => {
      const store = await create();
      opened.push(store);
      return store;
    },
    test: (title: string, body: () => Promise<void>) => {
      const reason = skip[title];
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body);
    },
  };
};
