import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { ServerEnv } from '../server-env.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const notBuiltPage = `<!doctype html><html lang="en"><meta charset="utf-8"><title>ampo</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>ampo is running</h1>
<p>The web app is not part of this build yet. The REST API is under <code>/api</code>
(its OpenAPI document: <a href="/api/openapi.json">/api/openapi.json</a>) and live events are on the
WebSocket <code>/api/events</code>.</p>
</body></html>`;

/** Security headers for the app's pages: no framing, no sniffing, scripts and styles from here only. */
const pageHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Where the web app's build is: `dist/web-app` inside this package (copied there by its build),
 * found from the bundle (`dist/index.js`) or from the sources (`src/routes/`); in a checkout that
 * has not built the server yet, the web app's own build.
 */
export const defaultWebAppDirectory = (): string | undefined =>
  ['./web-app/', '../../dist/web-app/', '../../../web-app/dist/']
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((directory) => existsSync(join(directory, 'index.html')));

/**
 * The web app at `/`: files from `directory` (a Vite build), with `index.html` for every other
 * path so the app's own routes work on reload. Without a build, a page that says so.
 */
export const webAppRoutes = (directory: string | undefined) => {
  const app = new Hono<ServerEnv>();
  const root = directory && existsSync(join(directory, 'index.html')) ? normalize(directory) : undefined;
  app.get('*', (c) => {
    if (c.req.path.startsWith('/api/')) return c.notFound();
    if (!root) return c.html(notBuiltPage, 200, pageHeaders);
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.text('Bad path', 400);
    }
    const wanted = normalize(join(root, path));
    const inside = wanted.startsWith(root + sep) && existsSync(wanted) && !wanted.endsWith(sep);
    const file = inside && extname(wanted) ? wanted : join(root, 'index.html');
    const type = contentTypes[extname(file)] ?? 'application/octet-stream';
    const cache = file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(readFileSync(file), 200, { 'content-type': type, 'cache-control': cache, ...pageHeaders });
  });
  return app;
};
