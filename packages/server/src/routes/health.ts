import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { Health, Readiness } from '../api/schemas.js';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';

const readinessTimeoutMs = 5_000;

const withTimeout = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

/** Liveness and readiness, for load balancers and orchestrators: no credential needed. */
export const healthRoutes = (context: ServerContext) => {
  const app = new OpenAPIHono<ServerEnv>();

  const healthRoute = createRoute({
    method: 'get',
    path: '/api/health',
    tags: ['health'],
    summary: 'The process is alive',
    responses: { 200: { description: 'Alive.', content: { 'application/json': { schema: Health } } } },
  });

  const readyRoute = createRoute({
    method: 'get',
    path: '/api/ready',
    tags: ['health'],
    summary: 'The parts the server needs answer (the task store, the Docker engine)',
    responses: {
      200: { description: 'Every check passed.', content: { 'application/json': { schema: Readiness } } },
      503: { description: 'A check failed; `checks` says which.', content: { 'application/json': { schema: Readiness } } },
    },
  });

  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyRoute, async (c) => {
    const entries = await Promise.all(
      Object.entries(context.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), readinessTimeoutMs);
          return [name, { ok: true }] as const;
        } catch (error) {
          context.logger.warn('readiness check failed', { check: name, error: (error as Error).message });
          return [name, { ok: false, error: `${name} does not answer` }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, result]) => result.ok);
    return ready ? c.json({ status: 'ready' as const, checks }, 200) : c.json({ status: 'not-ready' as const, checks }, 503);
  });

  return app;
};
