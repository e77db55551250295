import { AmpoError } from '@ampo/core';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { authProblems, problemResponses, Session, Ticket } from '../api/schemas.js';
import { requireScope, sessionCookieName } from '../auth/authenticator.js';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';

const LoginQuery = z.object({ code: z.string().min(1).max(4096) });

const linkRefusedPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>ampo: login link refused</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>This login link does not work</h1>
<p>It was used already, or it expired. Each link works once, for 15 minutes.</p>
<p>Get a new one from the machine that runs the server: <code>ampo-server login-link</code>.</p>
</body></html>`;

/** Browser login through the one-time link, the session behind the cookie, and WebSocket tickets. */
export const authRoutes = (context: ServerContext) => {
  const { authenticator } = context;
  const read = requireScope(authenticator, 'tasks:read');
  const app = new OpenAPIHono<ServerEnv>();

  const loginRoute = createRoute({
    method: 'get',
    path: '/api/auth/login',
    tags: ['auth'],
    summary: 'Redeem a one-time login link: sets the session cookie and goes to the app',
    request: { query: LoginQuery },
    responses: {
      303: { description: 'Logged in; the cookie is set and the browser goes to `/`.' },
      ...problemResponses(400, 401, 429),
    },
  });

  const sessionRoute = createRoute({
    middleware: [read] as const,
    method: 'get',
    path: '/api/auth/session',
    tags: ['auth'],
    summary: 'Who the credential belongs to and what it may do',
    security: [{ bearer: [] }],
    responses: {
      200: { description: 'The caller.', content: { 'application/json': { schema: Session } } },
      ...problemResponses(...authProblems),
    },
  });

  const ticketRoute = createRoute({
    middleware: [read] as const,
    method: 'post',
    path: '/api/auth/ticket',
    tags: ['auth'],
    summary: 'A one-time ticket to open the live WebSocket with (`/api/events?ticket=…`), valid for a minute',
    security: [{ bearer: [] }],
    responses: {
      201: { description: 'The ticket.', content: { 'application/json': { schema: Ticket } } },
      ...problemResponses(...authProblems),
    },
  });

  const logoutRoute = createRoute({
    method: 'post',
    path: '/api/auth/logout',
    tags: ['auth'],
    summary: 'Forget the session cookie',
    responses: { 204: { description: 'The cookie is cleared.' } },
  });

  app.openapi(loginRoute, async (c) => {
    try {
      const session = await authenticator.redeemLoginCode(c.req.valid('query').code);
      setCookie(c, sessionCookieName, session.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: new URL(c.req.url).protocol === 'https:',
        path: '/',
        maxAge: Math.max(1, Math.floor((session.expiresAt - Date.now()) / 1000)),
      });
      context.logger.info('browser session started', { subject: session.principal.subject });
      return c.redirect('/', 303);
    } catch (error) {
      if (!AmpoError.isInstance(error) || error.code !== 'unauthorized') throw error;
      if ((c.req.header('accept') ?? '').includes('text/html')) return c.html(linkRefusedPage, 401) as never;
      throw error;
    }
  });

  app.openapi(sessionRoute, (c) => {
    const principal = c.get('principal');
    return c.json({ subject: principal.subject, scopes: [...principal.scopes], via: principal.via, expiresAt: principal.expiresAt }, 200);
  });

  app.openapi(ticketRoute, async (c) =>
    c.json(await authenticator.issueTicket(c.get('principal')).then(({ token, expiresAt }) => ({ ticket: token, expiresAt })), 201),
  );

  app.openapi(logoutRoute, (c) => {
    deleteCookie(c, sessionCookieName, { path: '/' });
    return c.body(null, 204);
  });

  return app;
};
