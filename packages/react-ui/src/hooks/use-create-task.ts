import type { CreateTaskInput, Task } from '@ampo/core/wire';
import { useAmpoClient } from './ampo-provider.js';
import { useMutation } from './use-mutation.js';

/** Creates tasks. Pass the same `idempotencyKey` when retrying one submission, so it creates one task. */
export const useCreateTask = () => {
  const client = useAmpoClient();
  const { mutate, ...state } = useMutation(
    (input: CreateTaskInput, options?: { idempotencyKey?: string }): Promise<Task> => client.createTask(input, options),
  );
  return { ...state, createTask: mutate };
};
