import { CreateTask, initialTask, type OrchestratorEvent, type Task } from '@ampo/core';

/** A freshly created task: its `task-created` event and the snapshot it folds into. For tests. */
export const createdTask = (taskId: string, at: number, repo = 'acme/widgets'): { event: OrchestratorEvent; snapshot: Task } => {
  const event = {
    type: 'task-created',
    taskId,
    seq: 1,
    at,
    request: CreateTask.parse({ repo, prompt: `Fix issue ${taskId}` }),
    branch: `ampo/${taskId}`,
  } as const;
  return { event, snapshot: initialTask(event) };
};
