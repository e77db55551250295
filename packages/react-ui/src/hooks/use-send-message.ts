import type { Task } from '@ampo/core/wire';
import { useAmpoClient } from './ampo-provider.js';
import { useMutation } from './use-mutation.js';

/** Sends a person's message to a task's agent, on the same thread. */
export const useSendMessage = (id: string) => {
  const client = useAmpoClient();
  const { mutate, ...state } = useMutation((text: string): Promise<Task> => client.sendMessage(id, text));
  return { ...state, sendMessage: mutate };
};
