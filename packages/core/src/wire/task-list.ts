import { z } from 'zod';
import { OrchestratorEvent } from '../domain/events.js';
import { LogChunk } from '../domain/log-chunk.js';
import { Task } from '../domain/task-state.js';

/** A page of tasks, newest first. */
export const TaskList = z.object({
  tasks: z.array(Task),
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor: z.string().optional(),
});
export type TaskList = z.infer<typeof TaskList>;

/** A page of a task's events after a seq. */
export const EventPage = z.object({
  events: z.array(OrchestratorEvent),
  /** More events follow: ask again with `after` set to the last seq here. */
  hasMore: z.boolean(),
});
export type EventPage = z.infer<typeof EventPage>;

/** A page of a task's log chunks after a log seq. */
export const LogPage = z.object({
  logs: z.array(LogChunk),
  hasMore: z.boolean(),
});
export type LogPage = z.infer<typeof LogPage>;
