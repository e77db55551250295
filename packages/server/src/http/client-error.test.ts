import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

/** A raw exchange: `bytes` out, everything the server sends back until it closes. */
const exchange = (url: string, bytes: string) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });

describe('requests Node’s HTTP parser refuses before any route runs', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer();
  });
  afterAll(() => test.close());

  it('answers a request line over the header limit with a 431 in problem details, not a bare status or a reset', async () => {
    // Found by the soak: `GET /api/health?` followed by 20 KiB of query.
    const { hostname, port } = new URL(test.url);
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const outgoing = request({ host: hostname, port, path: `/api/health?${'%00'.repeat(20_000)}` }, (incoming) => {
        let body = '';
        incoming.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, type: String(incoming.headers['content-type']), body }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({
      status: 431,
      code: 'too-large',
      detail: expect.stringContaining('headers are at most'),
    });
  });

  it('answers bytes that are not HTTP with a 400 in problem details, and the server goes on serving', async () => {
    const answer = await exchange(test.url, 'GARBAGE \u0000\u0001 not http\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('content-type: application/problem+json');
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { detail: string; code: string };
    expect(body.code).toBe('invalid-input');
    expect(body.detail).toContain('not valid HTTP/1.1');
    expect((await fetch(`${test.url}/api/health`)).status).toBe(200);
  });
});
