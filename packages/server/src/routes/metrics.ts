import { Hono, type MiddlewareHandler } from 'hono';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { ServerEnv } from '../server-env.js';

/** `GET /metrics` in Prometheus' text format, behind `guard` (the admin scope) or none on a separate listener. */
export const metricsRoutes = (metrics: ServerMetrics, guard?: MiddlewareHandler<ServerEnv>) => {
  const app = new Hono<ServerEnv>();
  if (guard) app.use('/metrics', guard);
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  return app;
};
