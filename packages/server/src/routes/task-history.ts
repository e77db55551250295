import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { AfterQuery, authProblems, EventPage, LogPage, problemResponses, TaskIdParams } from '../api/schemas.js';
import { requireScope } from '../auth/authenticator.js';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';
import { notFound } from './not-found.js';

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** A task's stored events and logs, after a seq: what a client missed, page by page. */
export const taskHistoryRoutes = (context: ServerContext) => {
  const { orchestrator } = context;
  const read = requireScope(context.authenticator, 'tasks:read');
  const app = new OpenAPIHono<ServerEnv>();

  const eventsRoute = createRoute({
    middleware: [read] as const,
    method: 'get',
    path: '/api/tasks/{id}/events',
    tags: ['tasks'],
    summary: "A task's events after a seq, oldest first",
    security: [{ bearer: [] }],
    request: { params: TaskIdParams, query: AfterQuery },
    responses: { 200: json(EventPage, 'Events in seq order.'), ...problemResponses(400, 404, ...authProblems) },
  });

  const logsRoute = createRoute({
    middleware: [read] as const,
    method: 'get',
    path: '/api/tasks/{id}/logs',
    tags: ['tasks'],
    summary: "A task's log chunks after a log seq, oldest first",
    security: [{ bearer: [] }],
    request: { params: TaskIdParams, query: AfterQuery },
    responses: { 200: json(LogPage, 'Log chunks in seq order; already redacted.'), ...problemResponses(400, 404, ...authProblems) },
  });

  const requireTask = async (id: string) => {
    if (!(await orchestrator.getTask(id))) throw notFound(id);
  };

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    await requireTask(id);
    const events = await orchestrator.readEvents(id, { afterSeq: after, limit: limit + 1 });
    return c.json({ events: events.slice(0, limit), hasMore: events.length > limit }, 200);
  });

  app.openapi(logsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { after, limit } = c.req.valid('query');
    await requireTask(id);
    const logs = await orchestrator.readLogs(id, { afterSeq: after, limit: limit + 1 });
    return c.json({ logs: logs.slice(0, limit), hasMore: logs.length > limit }, 200);
  });

  return app;
};
