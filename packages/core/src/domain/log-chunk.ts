import { z } from 'zod';

export const LogStream = z.enum(['stdout', 'stderr', 'system']);
export type LogStream = z.infer<typeof LogStream>;

/** One stored piece of a task's log: agent output, check output, ampo's own lines. Already redacted. */
export const LogChunk = z.object({
  taskId: z.string(),
  /** Per-task log sequence, assigned by the store, contiguous from 1. */
  seq: z.number().int().positive(),
  at: z.number(),
  stream: LogStream,
  /** The agent turn or CI attempt that produced it, if any. */
  source: z.string().optional(),
  text: z.string(),
});
export type LogChunk = z.infer<typeof LogChunk>;

export type NewLogChunk = Omit<LogChunk, 'seq'>;
