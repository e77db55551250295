import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  authProblems,
  CancelTask,
  CreateTask,
  IdempotencyHeaders,
  ListTasksQuery,
  problemResponses,
  SendMessage,
  Task,
  TaskIdParams,
  TaskList,
} from '../api/schemas.js';
import { requireScope } from '../auth/authenticator.js';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';
import { notFound } from './not-found.js';

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** Tasks: thin handlers over the orchestrator. Each route checks its scope before it reads the request. */
export const taskRoutes = (context: ServerContext) => {
  const { orchestrator, authenticator } = context;
  const read = requireScope(authenticator, 'tasks:read');
  const write = requireScope(authenticator, 'tasks:write');

  const createTaskRoute = createRoute({
    middleware: [write] as const,
    method: 'post',
    path: '/api/tasks',
    tags: ['tasks'],
    summary: 'Create a task: an agent works on a repository until CI is green',
    security: [{ bearer: [] }],
    request: {
      headers: IdempotencyHeaders,
      body: { required: true, content: { 'application/json': { schema: CreateTask } } },
    },
    responses: {
      201: json(Task, 'The task, queued (or the one an earlier request with the same Idempotency-Key created).'),
      ...problemResponses(400, 409, 413, 415, 503, ...authProblems),
    },
  });

  const listTasksRoute = createRoute({
    middleware: [read] as const,
    method: 'get',
    path: '/api/tasks',
    tags: ['tasks'],
    summary: 'List tasks, newest first',
    security: [{ bearer: [] }],
    request: { query: ListTasksQuery },
    responses: { 200: json(TaskList, 'A page of tasks.'), ...problemResponses(400, ...authProblems) },
  });

  const getTaskRoute = createRoute({
    middleware: [read] as const,
    method: 'get',
    path: '/api/tasks/{id}',
    tags: ['tasks'],
    summary: 'A task: status, CI attempts with their digests, usage and cost, pull request, checks, failure reason',
    security: [{ bearer: [] }],
    request: { params: TaskIdParams },
    responses: { 200: json(Task, 'The task.'), ...problemResponses(400, 404, ...authProblems) },
  });

  const cancelTaskRoute = createRoute({
    middleware: [write] as const,
    method: 'post',
    path: '/api/tasks/{id}/cancel',
    tags: ['tasks'],
    summary: 'Cancel a task (a finished task is returned unchanged)',
    security: [{ bearer: [] }],
    request: { params: TaskIdParams, body: { required: false, content: { 'application/json': { schema: CancelTask } } } },
    responses: { 200: json(Task, 'The task after the cancel.'), ...problemResponses(400, 404, 413, 415, ...authProblems) },
  });

  const sendMessageRoute = createRoute({
    middleware: [write] as const,
    method: 'post',
    path: '/api/tasks/{id}/messages',
    tags: ['tasks'],
    summary: "Send a message to the task's agent, on the same thread",
    security: [{ bearer: [] }],
    request: { params: TaskIdParams, body: { required: true, content: { 'application/json': { schema: SendMessage } } } },
    responses: {
      202: json(Task, 'The message is recorded; the agent gets it now or with its next turn.'),
      ...problemResponses(400, 404, 409, 413, 415, ...authProblems),
    },
  });

  const app = new OpenAPIHono<ServerEnv>();

  app.openapi(createTaskRoute, async (c) => {
    const key = c.req.valid('header')['idempotency-key'];
    const task = await orchestrator.createTask(c.req.valid('json'), key ? { idempotencyKey: key } : {});
    return c.json(task, 201, { location: `/api/tasks/${task.id}` });
  });

  app.openapi(listTasksRoute, async (c) => {
    const query = c.req.valid('query');
    const page = await orchestrator.listTasks({
      ...(query.status ? { status: query.status } : {}),
      ...(query.repo ? { repo: query.repo } : {}),
      ...(query.label ? { labels: Object.fromEntries(query.label) } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit,
    });
    return c.json(page, 200);
  });

  app.openapi(getTaskRoute, async (c) => {
    const { id } = c.req.valid('param');
    const task = await orchestrator.getTask(id);
    if (!task) throw notFound(id);
    return c.json(task, 200);
  });

  app.openapi(cancelTaskRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json') as { reason?: string };
    const task = await orchestrator.cancelTask(id, body.reason ?? `Cancelled by ${c.get('principal').subject}.`);
    return c.json(task, 200);
  });

  app.openapi(sendMessageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const task = await orchestrator.sendMessage(id, c.req.valid('json').text, c.get('principal').subject);
    return c.json(task, 202);
  });

  return app;
};
