import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AmpoError, type Clock, type Logger, type Orchestrator, silentLogger, systemClock } from '@ampo/core';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { WebSocketServer } from 'ws';
import { invalidRequestHook, registerDocumentOnlyPaths } from './api/openapi-document.js';
import { type AuthSettings, createAuthenticator, requireScope } from './auth/authenticator.js';
import type { Scope } from './auth/scopes.js';
import { routeGitHubEvents } from './github/route-github-events.js';
import { answerClientErrors } from './http/client-error.js';
import { problem, problemOf, problemResponse } from './http/problem.js';
import { createRateLimiter, type RateLimitSettings } from './http/rate-limit.js';
import { createLiveHub } from './live/live-hub.js';
import { liveRoutes } from './live/live-route.js';
import type { LiveSettings } from './live/live-settings.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { repositoryRoutes } from './routes/repositories.js';
import { taskHistoryRoutes } from './routes/task-history.js';
import { taskRoutes } from './routes/tasks.js';
import { defaultWebAppDirectory, webAppRoutes } from './routes/web-app.js';
import { type GitHubWebhookSettings, webhookRoutes } from './routes/webhooks.js';
import type { ServerContext } from './server-context.js';
import type { ServerEnv } from './server-env.js';

export interface ServerSettings {
  /** The orchestrator the server exposes. The server never starts or stops it. */
  orchestrator: Orchestrator;
  auth: AuthSettings;
  /** @default a silent logger */
  logger?: Logger;
  /** The orchestrator's clock: live messages carry its time, which clients pass back as `since`. @default the system clock */
  clock?: Clock;
  /**
   * Checks behind `GET /api/ready`, by name; each resolves when its part answers (the bin adds the
   * Docker engine). @default { store: a one-task listing }
   */
  readiness?: Record<string, () => Promise<unknown>>;
  /** A GitHub App's webhooks, received at `POST /api/webhooks/github`. */
  github?: GitHubWebhookSettings;
  /** Repositories the UI offers in its new-task form, and whether they are local paths or GitHub's `owner/name`. */
  repositories?: { list?: readonly string[]; mode?: 'local' | 'github' };
  /**
   * The web app's build (`index.html` and its assets) served at `/`.
   * @default the app shipped in this package (`dist/web-app`); without one, a page that says so
   */
  webAppDirectory?: string;
  live?: LiveSettings;
  /** Requests per client; `false` turns the limit off. */
  rateLimit?: RateLimitSettings | false;
  /** The largest request body taken, in bytes (webhooks: 25 MiB, as GitHub caps them). @default 1_048_576 */
  maxBodyBytes?: number;
}

export interface ListeningServer {
  /** `http://host:port` */
  url: string;
  port: number;
  /** Closes live sockets with 1001, stops accepting, and waits for open requests. */
  close(): Promise<void>;
}

export interface AmpoServer {
  /**
   * The REST API, webhooks and the web app as a Fetch API handler, to mount in an existing
   * server. The live WebSocket needs `listen` (or `createNodeServer`): an upgrade is not a fetch.
   */
  fetch(request: Request): Response | Promise<Response>;
  /** A Node HTTP server with everything, the live WebSocket included, not yet listening. */
  createNodeServer(): ReturnType<typeof createAdaptorServer>;
  /** Listens on `host:port`. @default { port: 7077, host: '127.0.0.1' } */
  listen(options?: { port?: number; host?: string }): Promise<ListeningServer>;
  /** Serves `/metrics` alone, without a credential, on another address (keep it private). */
  listenMetrics(options: { port: number; host?: string }): Promise<ListeningServer>;
  /** A one-time login link for a browser, at `baseUrl`. @default scopes ['admin'] */
  loginLink(baseUrl: string, options?: { subject?: string; scopes?: readonly Scope[] }): Promise<string>;
  /** Live connections open now. */
  readonly liveConnections: number;
  /** Closes every live connection with 1001 (going away). */
  closeLiveConnections(reason?: string): void;
  /** Stops following the orchestrator and GitHub (metrics, webhook events) and closes live connections. Idempotent. */
  close(): Promise<void>;
}

const megabyte = 1024 * 1024;

/** The ampo server as a library: REST + WebSocket + webhooks + OpenAPI + JWT auth + the web app. */
export const createServer = (settings: ServerSettings): AmpoServer => {
  const logger = settings.logger ?? silentLogger;
  const authenticator = createAuthenticator(settings.auth);
  const context: ServerContext = {
    orchestrator: settings.orchestrator,
    authenticator,
    logger,
    readiness: settings.readiness ?? { store: () => settings.orchestrator.listTasks({ limit: 1 }) },
    repositories: { list: settings.repositories?.list ?? [], mode: settings.repositories?.mode ?? 'local' },
  };
  const clock = settings.clock ?? systemClock;
  const hub = createLiveHub({
    orchestrator: settings.orchestrator,
    logger,
    now: () => clock.now(),
    ...(settings.live ? { settings: settings.live } : {}),
  });
  const metrics = createServerMetrics(settings.orchestrator);
  metrics.start();
  const githubRouting = settings.github ? routeGitHubEvents(settings.github.webhooks.events$, settings.orchestrator, logger) : undefined;
  const limiter = settings.rateLimit === false ? undefined : createRateLimiter(settings.rateLimit || {});
  const maxBodyBytes = settings.maxBodyBytes ?? megabyte;

  const app = new OpenAPIHono<ServerEnv & { Bindings: Partial<HttpBindings> }>({ defaultHook: invalidRequestHook });
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // The path only: a query may carry a ticket or a login code.
    logger.debug('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  if (limiter) {
    app.use('/api/*', async (c, next) => {
      limiter.take(c.env?.incoming?.socket.remoteAddress ?? 'local');
      await next();
    });
  }
  const tooLarge = (limit: number) =>
    // The rest of the body is never read, so the connection cannot carry another request: close it.
    bodyLimit({
      maxSize: limit,
      onError: () => problemResponse(problem('too-large', `Request bodies are at most ${limit} bytes.`), { connection: 'close' }),
    });
  app.use('/api/webhooks/*', tooLarge(25 * megabyte));
  app.use('/api/*', async (c, next) => (c.req.path.startsWith('/api/webhooks/') ? next() : tooLarge(maxBodyBytes)(c, next)));

  app.route('/', healthRoutes(context));
  app.route('/', authRoutes(context));
  app.route('/', taskRoutes(context));
  app.route('/', taskHistoryRoutes(context));
  app.route('/', repositoryRoutes(context));
  app.route('/', liveRoutes(context, hub));
  app.route('/', webhookRoutes(context, settings.github));
  app.route('/', metricsRoutes(metrics, requireScope(authenticator, 'admin')));
  registerDocumentOnlyPaths(app.openAPIRegistry);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'ampo', version: '1', description: 'Run coding agents against repositories until CI is green.' },
  });
  app.notFound((c) =>
    c.req.path.startsWith('/api/') || c.req.path === '/metrics'
      ? problemResponse(problem('not-found', `There is no ${c.req.method} ${c.req.path}.`))
      : c.text('Not found', 404),
  );
  app.route('/', webAppRoutes(settings.webAppDirectory ?? defaultWebAppDirectory()));

  app.onError((error, c) => {
    const body = problemOf(error);
    if (body.status >= 500)
      logger.error('request failed', { method: c.req.method, path: c.req.path, error: String((error as Error)?.stack ?? error) });
    const retryAfter = AmpoError.isInstance(error) ? error.details?.retryAfterSeconds : undefined;
    return problemResponse(body, {
      ...(body.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
      ...(typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {}),
    });
  });

  const createNodeServer = () => {
    const server = createAdaptorServer({
      fetch: app.fetch,
      websocket: { server: new WebSocketServer({ noServer: true, maxPayload: hub.settings.maxMessageBytes }) },
    });
    answerClientErrors(server as Server);
    return server;
  };

  const listenOn = async (server: ReturnType<typeof createAdaptorServer>, port: number, host: string): Promise<ListeningServer> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return {
      url: `http://${shownHost}:${address.port}`,
      port: address.port,
      close: () =>
        new Promise<void>((resolve) => {
          hub.closeAll(1001, 'the server is shutting down');
          server.close(() => resolve());
          if ('closeIdleConnections' in server) server.closeIdleConnections();
        }),
    };
  };

  return {
    fetch: (request) => app.fetch(request),
    createNodeServer,
    listen: (options = {}) => listenOn(createNodeServer(), options.port ?? 7077, options.host ?? '127.0.0.1'),
    listenMetrics: (options) => {
      const metricsApp = metricsRoutes(metrics);
      return listenOn(createAdaptorServer({ fetch: metricsApp.fetch }), options.port, options.host ?? '127.0.0.1');
    },
    async loginLink(baseUrl, options = {}) {
      const { token } = await authenticator.issueLoginCode(options.subject ?? 'operator', options.scopes ?? ['admin']);
      return `${baseUrl.replace(/\/+$/, '')}/api/auth/login?code=${token}`;
    },
    get liveConnections() {
      return hub.size;
    },
    closeLiveConnections: (reason = 'the server is shutting down') => hub.closeAll(1001, reason),
    async close() {
      hub.closeAll(1001, 'the server is shutting down');
      githubRouting?.unsubscribe();
      metrics.stop();
    },
  };
};
