import { CreateTask, initialTask, type OrchestratorEvent, type Task, type TaskStore } from '@ampo/core';

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

/** Creates a task in the store and returns its snapshot. */
export const seedTask = async (store: TaskStore, taskId: string, at: number): Promise<Task> => {
  const { event, snapshot } = createdTask(taskId, at);
  await store.append(taskId, [event], snapshot);
  return snapshot;
};

/** Appends `count` agent-output events after `task`'s last seq and returns the new snapshot. */
export const appendOutput = async (store: TaskStore, task: Task, count: number, text = 'line'): Promise<Task> => {
  const events: OrchestratorEvent[] = Array.from({ length: count }, (_, index) => ({
    type: 'agent-output',
    taskId: task.id,
    seq: task.lastSeq + index + 1,
    at: task.updatedAt + index + 1,
    turn: 1,
    line: task.lastSeq + index + 1,
    output: { type: 'text', text: `${text} ${task.lastSeq + index + 1}` },
  }));
  const snapshot: Task = { ...task, lastSeq: task.lastSeq + count, updatedAt: task.updatedAt + count };
  await store.append(task.id, events, snapshot);
  return snapshot;
};
