import type { OpenAPIHono } from '@hono/zod-openapi';

type OpenAPIRegistry = OpenAPIHono['openAPIRegistry'];

import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { invalidRequest, problemResponse } from '../http/problem.js';
import { problemResponses } from './schemas.js';

const targetNames: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'headers', cookie: 'cookies' };

/** Every request that fails its schema: a 400 with each zod issue and where it is. */
export const invalidRequestHook = (result: { target: string; success: boolean; error?: ZodError }, _c: Context) => {
  if (!result.success && result.error) return problemResponse(invalidRequest(result.error, targetNames[result.target] ?? result.target));
  return undefined;
};

/** Paths the document describes that are not JSON routes: the WebSocket, webhooks, metrics. */
export const registerDocumentOnlyPaths = (registry: OpenAPIRegistry) => {
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token from `ampo-server token`, or your identity provider. Browsers use the session cookie instead.',
  });
  registry.registerPath({
    method: 'get',
    path: '/api/events',
    tags: ['live'],
    summary: 'The live WebSocket: subscribe to a task, to all tasks or to a task’s logs, resumable by seq',
    description:
      'Upgrade to a WebSocket with a bearer token, the session cookie, or `?ticket=` from `POST /api/auth/ticket`. ' +
      'Messages are JSON text frames: see LiveClientMessage and LiveServerMessage in @ampo/core/wire. Close codes: ' +
      '1001 server shutting down, 1009 frame too big, 4000 too many invalid messages, 4001 too slow (more buffered than allowed), ' +
      '4002 too many subscriptions, 4003 connection lifetime reached.',
    security: [{ bearer: [] }],
    responses: { 101: { description: 'Switching to the WebSocket protocol.' }, ...problemResponses(400, 401, 403, 429, 500) },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/webhooks/github',
    tags: ['webhooks'],
    summary: 'GitHub App webhook deliveries, verified with the App’s webhook secret (X-Hub-Signature-256)',
    responses: {
      202: { description: 'Verified and handled (or a delivery already seen).' },
      ...problemResponses(400, 401, 404, 413, 429, 500),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics (needs the admin scope)',
    security: [{ bearer: [] }],
    responses: {
      200: { description: 'Metrics in the Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } },
      ...problemResponses(401, 403),
    },
  });
};
