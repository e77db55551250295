import { useCallback, useEffect, useRef, useState } from 'react';
import { AmpoRequestError } from '../client/request-error.js';

export interface MutationState {
  pending: boolean;
  error: AmpoRequestError | undefined;
}

/** Runs one request at a time, with its pending and error state; a failure is kept in `error` and rethrown. */
export const useMutation = <A extends unknown[], R>(run: (...args: A) => Promise<R>) => {
  const [state, setState] = useState<MutationState>({ pending: false, error: undefined });
  const mounted = useRef(true);
  const latest = useRef(run);
  latest.current = run;
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const mutate = useCallback(async (...args: A): Promise<R> => {
    setState({ pending: true, error: undefined });
    try {
      const result = await latest.current(...args);
      if (mounted.current) setState({ pending: false, error: undefined });
      return result;
    } catch (error) {
      const failure = error instanceof AmpoRequestError ? error : new AmpoRequestError(String(error), 0, undefined, { cause: error });
      if (mounted.current) setState({ pending: false, error: failure });
      throw failure;
    }
  }, []);
  const reset = useCallback(() => setState({ pending: false, error: undefined }), []);
  return { ...state, mutate, reset };
};
