import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

describe('the OpenAPI document', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer();
  });
  afterAll(() => test.close());

  it('is a valid OpenAPI 3.1 document, served without a credential', async () => {
    const response = await fetch(`${test.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route, and every route that needs a credential documents 401 and 403', async () => {
    const document = (await (await fetch(`${test.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: object }>>;
    };
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/api/auth/login',
        '/api/auth/logout',
        '/api/auth/session',
        '/api/auth/ticket',
        '/api/events',
        '/api/health',
        '/api/openapi.json',
        '/api/ready',
        '/api/repositories',
        '/api/tasks',
        '/api/tasks/{id}',
        '/api/tasks/{id}/cancel',
        '/api/tasks/{id}/events',
        '/api/tasks/{id}/logs',
        '/api/tasks/{id}/messages',
        '/api/webhooks/github',
        '/metrics',
      ].filter((path) => path !== '/api/openapi.json'),
    );
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security) continue;
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
  });

  it('names the wire schemas as components the clients share', async () => {
    const document = (await (await fetch(`${test.url}/api/openapi.json`)).json()) as { components: { schemas: object } };
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['CreateTask', 'Task', 'TaskList', 'EventPage', 'LogPage', 'Problem', 'SendMessage']),
    );
  });
});
