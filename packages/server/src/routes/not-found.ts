import { AmpoError } from '@ampo/core';

export const notFound = (taskId: string) => new AmpoError('not-found', `There is no task ${taskId}.`);
