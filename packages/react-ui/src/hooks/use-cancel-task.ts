import type { Task } from '@ampo/core/wire';
import { useAmpoClient } from './ampo-provider.js';
import { useMutation } from './use-mutation.js';

/** Cancels a task (a finished one comes back unchanged). */
export const useCancelTask = (id: string) => {
  const client = useAmpoClient();
  const { mutate, ...state } = useMutation((reason?: string): Promise<Task> => client.cancelTask(id, reason));
  return { ...state, cancelTask: mutate };
};
