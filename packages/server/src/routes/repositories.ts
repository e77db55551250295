import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { authProblems, problemResponses, Repositories } from '../api/schemas.js';
import { requireScope } from '../auth/authenticator.js';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';

/** The repositories the server was pointed at, for the new-task form. */
export const repositoryRoutes = (context: ServerContext) => {
  const app = new OpenAPIHono<ServerEnv>();
  const route = createRoute({
    middleware: [requireScope(context.authenticator, 'tasks:read')] as const,
    method: 'get',
    path: '/api/repositories',
    tags: ['tasks'],
    summary: 'Repositories to offer for new tasks',
    security: [{ bearer: [] }],
    responses: {
      200: { description: 'The repositories.', content: { 'application/json': { schema: Repositories } } },
      ...problemResponses(...authProblems),
    },
  });
  app.openapi(route, (c) => c.json({ repositories: [...context.repositories.list], mode: context.repositories.mode }, 200));
  return app;
};
