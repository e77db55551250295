import { randomBytes } from 'node:crypto';
import type { Orchestrator } from '@ampo/core';
import { createFakeWorld, type FakeWorld, type FakeWorldOptions } from '@ampo/core/testing';
import type { Scope } from '../auth/scopes.js';
import { createTokenService } from '../auth/tokens.js';
import { type AmpoServer, createServer, type ListeningServer, type ServerSettings } from '../create-server.js';
import { createOpenApiChecker, type OpenApiChecker, type OpenApiDocument } from './openapi-checker.js';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body sent as it is (with `contentType`). */
  raw?: string | Uint8Array;
  contentType?: string | null;
  token?: string | null;
  headers?: Record<string, string>;
}

export interface TestServer {
  world: FakeWorld;
  server: AmpoServer;
  listening: ListeningServer;
  url: string;
  secret: Uint8Array;
  checker: OpenApiChecker;
  /** An access token this server accepts. @default scopes ['admin'] */
  token(scopes?: readonly Scope[], options?: { subject?: string; ttlSeconds?: number }): Promise<string>;
  /** A request over the real socket; every /api response is checked against the OpenAPI document. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

const fixedSum = 'export const sum = (a: number, b: number) => a + b;\n';

/**
 * Requests over a real socket to `url`; every `/api` response is checked against the OpenAPI
 * document. `token` is sent unless a request gives its own (or `null` for none).
 */
export const createApiClient =
  (url: string, defaultToken: string | null, checker: OpenApiChecker) =>
  async <T = unknown>(method: string, path: string, requestOptions: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    const token = requestOptions.token === undefined ? defaultToken : requestOptions.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined;
    if (requestOptions.raw !== undefined) body = requestOptions.raw;
    else if (requestOptions.body !== undefined) body = JSON.stringify(requestOptions.body);
    const contentType =
      requestOptions.contentType === undefined ? (body !== undefined ? 'application/json' : null) : requestOptions.contentType;
    if (contentType) headers['content-type'] = contentType;
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: body as BodyInit } : {}),
      redirect: 'manual',
    });
    const text = await response.text();
    const type = response.headers.get('content-type');
    const parsed = type?.includes('json') && text.length > 0 ? JSON.parse(text) : text;
    const pathname = new URL(path, url).pathname;
    if (pathname.startsWith('/api/')) checker.check(method, pathname, response.status, text.length > 0 ? type : null, parsed);
    return { status: response.status, headers: response.headers, body: parsed as T };
  };

/** The server's OpenAPI document, and a checker for responses against it. */
export const openApiCheckerFor = async (url: string) =>
  createOpenApiChecker((await (await fetch(`${url}/api/openapi.json`)).json()) as OpenApiDocument);

/** A server on 127.0.0.1 over core's in-memory ports (a real orchestrator on fakes). */
export const startTestServer = async (
  options: { world?: Partial<FakeWorldOptions>; settings?: Partial<ServerSettings>; orchestrator?: Orchestrator } = {},
): Promise<TestServer> => {
  const world = createFakeWorld({
    agent: () => ({ messages: ['Fixing sum'], edits: { 'src/sum.ts': fixedSum } }),
    ci: () => ({ conclusion: 'success' }),
    ...options.world,
  });
  const secret = new Uint8Array(randomBytes(32));
  const server = createServer({
    orchestrator: options.orchestrator ?? world.orchestrator,
    auth: { secret },
    clock: world.clock,
    rateLimit: false,
    ...options.settings,
  });
  const listening = await server.listen({ port: 0 });
  const checker = await openApiCheckerFor(listening.url);
  const tokens = createTokenService({ secret });
  const adminToken = (await tokens.issue({ subject: 'tester', scopes: ['admin'], use: 'access', ttlSeconds: 3600 })).token;

  const request = createApiClient(listening.url, adminToken, checker);

  return {
    world,
    server,
    listening,
    url: listening.url,
    secret,
    checker,
    async token(scopes = ['admin'], tokenOptions = {}) {
      return (
        await tokens.issue({
          subject: tokenOptions.subject ?? 'tester',
          scopes,
          use: 'access',
          ttlSeconds: tokenOptions.ttlSeconds ?? 3600,
        })
      ).token;
    },
    request,
    close: async () => {
      await listening.close();
      await server.close();
    },
  };
};
