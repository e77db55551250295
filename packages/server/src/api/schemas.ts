import {
  CreateTask as CoreCreateTask,
  EventPage as CoreEventPage,
  LogPage as CoreLogPage,
  Problem as CoreProblem,
  Task as CoreTask,
  TaskList as CoreTaskList,
  TaskStatus,
} from '@ampo/core';
import { z } from '@hono/zod-openapi';
import { Scope } from '../auth/scopes.js';

// The wire schemas are core's; here they get their names in the OpenAPI document.
export const CreateTask = CoreCreateTask.meta({ id: 'CreateTask' });
export const Task = CoreTask.meta({ id: 'Task' });
export const TaskList = CoreTaskList.meta({ id: 'TaskList' });
export const EventPage = CoreEventPage.meta({ id: 'EventPage' });
export const LogPage = CoreLogPage.meta({ id: 'LogPage' });
export const Problem = CoreProblem.meta({ id: 'Problem' });

const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.split(',').filter(Boolean) : value), z.array(item).max(20));

const labelPair = z
  .string()
  .max(700)
  .regex(/^[^=]+=.*$/, 'must be key=value')
  .transform((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });

export const ListTasksQuery = z
  .object({
    status: commaList(TaskStatus).optional().meta({ description: 'Only tasks in these statuses, comma-separated.' }),
    repo: z.string().min(1).max(2048).optional(),
    label: z
      .preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(labelPair).max(20))
      .optional()
      .meta({ description: 'Only tasks with this label, as key=value; repeat for several (all must match).' }),
    cursor: z.string().min(1).max(500).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

export const TaskIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .meta({ param: { name: 'id', in: 'path' } }),
});

export const AfterQuery = z
  .object({
    after: z.coerce.number().int().min(0).default(0).meta({ description: 'Only what follows this seq.' }),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  })
  .strict();

export const SendMessage = z
  .object({ text: z.string().trim().min(1).max(20_000).meta({ description: 'What the agent should hear.' }) })
  .strict()
  .meta({ id: 'SendMessage' });

export const CancelTask = z
  .object({ reason: z.string().trim().min(1).max(2000).optional() })
  .strict()
  .meta({ id: 'CancelTask' });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable ASCII characters without spaces')
    .optional()
    .meta({ description: 'A retry with the same key and body returns the task the first request created.' }),
});

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const Readiness = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
  })
  .meta({ id: 'Readiness' });

export const Session = z
  .object({
    subject: z.string(),
    scopes: z.array(Scope),
    via: z.enum(['bearer', 'session', 'ticket']),
    expiresAt: z.number(),
  })
  .meta({ id: 'Session' });

export const Ticket = z
  .object({ ticket: z.string(), expiresAt: z.number().meta({ description: 'Epoch milliseconds.' }) })
  .meta({ id: 'Ticket' });

export const Repositories = z.object({ repositories: z.array(z.string()), mode: z.enum(['local', 'github']) }).meta({ id: 'Repositories' });

/** The error responses a route can give, for its OpenAPI entry. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: problemDescriptions[status] ?? 'Error', content: { 'application/problem+json': { schema: Problem } } },
    ]),
  );

const problemDescriptions: Record<number, string> = {
  400: 'The request is invalid; `issues` says where.',
  401: 'No valid credential.',
  403: 'The credential lacks the scope.',
  404: 'No such task.',
  409: 'The request conflicts with the task as it is.',
  413: 'The body is larger than the server accepts.',
  415: 'The body is not JSON.',
  429: 'Too many requests; see Retry-After.',
  500: 'The server failed; nothing about why is revealed.',
  503: 'A part the server needs does not answer.',
};

/** Every route that needs a credential can answer these. */
export const authProblems = [401, 403, 429, 500];
