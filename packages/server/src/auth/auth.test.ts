import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem, Task } from '@ampo/core';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import { loadOrCreateSecret } from './secret-file.js';
import { createTokenService } from './tokens.js';

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

/** Signs with the server's own secret, claims chosen by the test. */
const sign = (secret: Uint8Array, claims: Record<string, unknown>, header: { alg: string } = { alg: 'HS256' }) =>
  new SignJWT({ scope: 'admin', ampo_use: 'access', ...claims })
    .setProtectedHeader(header as { alg: 'HS256' })
    .setIssuer(String(claims.iss ?? 'ampo'))
    .setAudience(String(claims.aud ?? 'ampo'))
    .setSubject('attacker')
    .setJti(`jti-${Math.random()}`)
    .setIssuedAt()
    .setExpirationTime(Number(claims.exp ?? inSeconds(3600)))
    .sign(secret);

describe('who may call what', () => {
  let test: TestServer;
  let taskId: string;
  beforeAll(async () => {
    test = await startTestServer({ world: { agent: () => ({ outcome: 'hang' }) } });
    taskId = (await test.request<Task>('POST', '/api/tasks', { body: { repo: test.world.repo, prompt: 'Guarded' } })).body.id;
  });
  afterAll(() => test.close());

  const routes = () => [
    { method: 'GET', path: '/api/tasks', scope: 'tasks:read' },
    { method: 'POST', path: '/api/tasks', scope: 'tasks:write', body: { repo: test.world.repo, prompt: 'x' } },
    { method: 'GET', path: `/api/tasks/${taskId}`, scope: 'tasks:read' },
    { method: 'POST', path: `/api/tasks/${taskId}/messages`, scope: 'tasks:write', body: { text: 'hi' } },
    { method: 'GET', path: `/api/tasks/${taskId}/events`, scope: 'tasks:read' },
    { method: 'GET', path: `/api/tasks/${taskId}/logs`, scope: 'tasks:read' },
    { method: 'GET', path: '/api/repositories', scope: 'tasks:read' },
    { method: 'GET', path: '/api/auth/session', scope: 'tasks:read' },
    { method: 'POST', path: '/api/auth/ticket', scope: 'tasks:read' },
    { method: 'GET', path: '/api/events', scope: 'tasks:read' },
    { method: 'GET', path: '/metrics', scope: 'admin' },
    // Last: a cancel that gets through would end the task the others use.
    { method: 'POST', path: `/api/tasks/${taskId}/cancel`, scope: 'tasks:write' },
  ];

  it('refuses every route without a credential, or with a bad one, with the same 401 and nothing that helps an attacker', async () => {
    const otherKey = new Uint8Array(randomBytes(32));
    const own = createTokenService({ secret: test.secret });
    const credentials: Record<string, string> = {
      garbage: 'Bearer not.a.token',
      basic: `Basic ${base64url('tester:secret')}`,
      expired: `Bearer ${await sign(test.secret, { exp: inSeconds(-60) })}`,
      'wrong audience': `Bearer ${await sign(test.secret, { aud: 'someone-else' })}`,
      'wrong issuer': `Bearer ${await sign(test.secret, { iss: 'evil' })}`,
      'another key': `Bearer ${await sign(otherKey, {})}`,
      'alg none': `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'attacker', scope: 'admin', ampo_use: 'access', iss: 'ampo', aud: 'ampo', exp: inSeconds(3600), jti: 'x' })}.`,
      tampered: `Bearer ${await (
        async () => {
          const [header, , signature] = (await test.token(['tasks:read'])).split('.');
          return `${header}.${base64url({ sub: 'tester', scope: 'admin', ampo_use: 'access', iss: 'ampo', aud: 'ampo', exp: inSeconds(3600), jti: 'y' })}.${signature}`;
        }
      )()}`,
      'a login code': `Bearer ${(await own.issue({ subject: 'x', scopes: ['admin'], use: 'login', ttlSeconds: 60 })).token}`,
      'a session token': `Bearer ${(await own.issue({ subject: 'x', scopes: ['admin'], use: 'session', ttlSeconds: 60 })).token}`,
      'a ticket': `Bearer ${(await own.issue({ subject: 'x', scopes: ['admin'], use: 'ticket', ttlSeconds: 60 })).token}`,
      'no sub': `Bearer ${await new SignJWT({ scope: 'admin', ampo_use: 'access' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('ampo').setAudience('ampo').setJti('z').setExpirationTime(inSeconds(60)).sign(test.secret)}`,
    };
    const details = new Set<string>();
    for (const route of routes()) {
      const none = await test.request<Problem>(route.method, route.path, { token: null, ...(route.body ? { body: route.body } : {}) });
      expect(none.status, `${route.method} ${route.path} without a credential`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      for (const [name, authorization] of Object.entries(credentials)) {
        const response = await test.request<Problem>(route.method, route.path, {
          token: null,
          headers: { authorization },
          ...(route.body ? { body: route.body } : {}),
        });
        expect(response.status, `${route.method} ${route.path} with ${name}`).toBe(401);
        if (name !== 'garbage' && name !== 'basic') details.add(response.body.detail);
      }
    }
    expect([...details]).toEqual(['The credential is invalid or expired.']);
    expect((await test.request<Task>('GET', `/api/tasks/${taskId}`)).body.status).not.toBe('cancelled');
  });

  it('answers 403 when the credential lacks the scope, and lets each scope do what it includes', async () => {
    const read = await test.token(['tasks:read']);
    const write = await test.token(['tasks:write']);
    const unknown = await test.token([] as never[]);
    for (const route of routes()) {
      const asReader = await test.request<Problem>(route.method, route.path, { token: read, ...(route.body ? { body: route.body } : {}) });
      if (route.scope === 'tasks:read') expect(asReader.status, `${route.method} ${route.path}`).not.toBe(403);
      else {
        expect(asReader.status, `${route.method} ${route.path} as a reader`).toBe(403);
        expect(asReader.body.detail).toBe(`This needs the ${route.scope} scope, which the credential does not grant.`);
      }
      const asNobody = await test.request(route.method, route.path, { token: unknown, ...(route.body ? { body: route.body } : {}) });
      expect(asNobody.status, `${route.method} ${route.path} with no scopes`).toBe(403);
    }
    expect((await test.request('GET', '/metrics', { token: write })).status).toBe(403);
    expect((await test.request('GET', '/metrics')).status).toBe(200);
    expect((await test.request('POST', '/api/tasks', { token: write, body: { repo: test.world.repo, prompt: 'w' } })).status).toBe(201);
  });

  it('needs no credential for health, readiness, the document and webhooks', async () => {
    for (const path of ['/api/health', '/api/ready', '/api/openapi.json']) {
      expect((await fetch(`${test.url}${path}`)).status, path).toBe(200);
    }
    // No GitHub App here: the webhook route says so, without asking for a token.
    const webhook = await test.request<Problem>('POST', '/api/webhooks/github', {
      token: null,
      body: {},
      headers: { 'x-hub-signature-256': 'sha256=00' },
    });
    expect(webhook.status).toBe(404);
  });

  it('checks the scope before it reads the body: an unauthenticated invalid request is a 401, not a 400', async () => {
    const response = await test.request<Problem>('POST', '/api/tasks', { token: null, body: { nonsense: true } });
    expect(response.status).toBe(401);
    const reader = await test.request<Problem>('POST', '/api/tasks', { token: await test.token(['tasks:read']), body: { nonsense: true } });
    expect(reader.status).toBe(403);
  });
});

describe('browser sessions through the one-time login link', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer();
  });
  afterAll(() => test.close());

  const login = (link: string) => fetch(link, { redirect: 'manual' });
  const sessionCookie = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

  it('sets an HttpOnly, SameSite=Strict session cookie once, then refuses the same link', async () => {
    const link = await test.server.loginLink(test.url);
    expect(link).toMatch(new RegExp(`^${test.url}/api/auth/login\\?code=`));
    const first = await login(link);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^ampo_session=[\w.-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toMatch(/Secure/);

    const session = await test.request<{ subject: string; via: string; scopes: string[] }>('GET', '/api/auth/session', {
      token: null,
      headers: { cookie: sessionCookie(first) },
    });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ subject: 'operator', via: 'session' });
    expect(session.body.scopes).toEqual(expect.arrayContaining(['admin', 'tasks:write', 'tasks:read']));

    const again = await login(link);
    expect(again.status).toBe(401);
    expect(again.headers.get('set-cookie')).toBeNull();
    const page = await fetch(link, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('ampo-server login-link');
  });

  it('accepts the cookie from the server’s own pages and refuses it on a cross-site request that changes something', async () => {
    const cookie = sessionCookie(await login(await test.server.loginLink(test.url)));
    const host = new URL(test.url).host;
    const body = { repo: test.world.repo, prompt: 'From the browser' };
    const sameSite = await test.request('POST', '/api/tasks', { token: null, body, headers: { cookie, origin: test.url, host } });
    expect(sameSite.status).toBe(201);
    const crossSite = await test.request<Problem>('POST', '/api/tasks', {
      token: null,
      body,
      headers: { cookie, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.detail).toContain('Origin');
    // Reading with the cookie is fine from anywhere the browser sends it (SameSite=Strict decides that).
    expect((await test.request('GET', '/api/tasks', { token: null, headers: { cookie } })).status).toBe(200);
    // Flip a character of the signature where every bit counts (the last one carries padding bits).
    const signatureStart = cookie.lastIndexOf('.') + 1;
    const forged = cookie.slice(0, signatureStart) + (cookie[signatureStart] === 'A' ? 'B' : 'A') + cookie.slice(signatureStart + 1);
    expect((await test.request('GET', '/api/tasks', { token: null, headers: { cookie: forged } })).status).toBe(401);
    const logout = await test.request('POST', '/api/auth/logout', { token: null, headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/ampo_session=;.*Max-Age=0/);
  });

  it('issues one-time WebSocket tickets that are no bearer tokens', async () => {
    const { body } = await test.request<{ ticket: string; expiresAt: number }>('POST', '/api/auth/ticket');
    expect(body.expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect((await test.request('GET', '/api/tasks', { token: body.ticket })).status).toBe(401);
    expect((await fetch(`${test.url}/api/tasks?ticket=${body.ticket}`)).status).toBe(401);
  });
});

describe('tokens of an identity provider (JWKS)', () => {
  it('are verified through the provider’s keys, issuer and audience; the provider’s public key is never an HMAC secret', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    const jwks = createHttpServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const test = await startTestServer({
      settings: {
        auth: { secret: new Uint8Array(randomBytes(32)), identityProvider: { jwksUrl, issuer: 'https://idp.test', audience: 'ampo-api' } },
      },
    });
    try {
      const providerToken = (claims: { aud?: string; iss?: string; scope?: string; exp?: number }) =>
        new SignJWT({ scope: claims.scope ?? 'tasks:read' })
          .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
          .setIssuer(claims.iss ?? 'https://idp.test')
          .setAudience(claims.aud ?? 'ampo-api')
          .setSubject('user@idp')
          .setExpirationTime(claims.exp ?? inSeconds(600))
          .sign(privateKey);
      expect((await test.request('GET', '/api/tasks', { token: await providerToken({}) })).status).toBe(200);
      expect(
        (await test.request('POST', '/api/tasks', { token: await providerToken({}), body: { repo: test.world.repo, prompt: 'x' } })).status,
      ).toBe(403);
      expect((await test.request('GET', '/api/tasks', { token: await providerToken({ aud: 'other' }) })).status).toBe(401);
      expect((await test.request('GET', '/api/tasks', { token: await providerToken({ iss: 'https://evil.test' }) })).status).toBe(401);
      expect((await test.request('GET', '/api/tasks', { token: await providerToken({ exp: inSeconds(-60) }) })).status).toBe(401);
      // Algorithm confusion: HS256 "signed" with the provider's public key.
      const confused = await new SignJWT({ scope: 'admin' })
        .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
        .setIssuer('https://idp.test')
        .setAudience('ampo-api')
        .setSubject('attacker')
        .setExpirationTime(inSeconds(600))
        .sign(new TextEncoder().encode(JSON.stringify(jwk)));
      expect((await test.request('GET', '/api/tasks', { token: confused })).status).toBe(401);
      // With a provider, the server's own access tokens are no longer accepted.
      expect((await test.request('GET', '/api/tasks')).status).toBe(401);
    } finally {
      await test.close();
      jwks.close();
    }
  });
});

describe('the token secret file', () => {
  it('is created once with mode 0600 and read back the same; a file others may read is refused', () => {
    const directory = mkdtempSync(join(tmpdir(), 'ampo-secret-'));
    const path = join(directory, 'data', 'jwt-secret');
    const first = loadOrCreateSecret(path);
    expect(first.length).toBe(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(loadOrCreateSecret(path)).equals(Buffer.from(first))).toBe(true);
    chmodSync(path, 0o644);
    expect(() => loadOrCreateSecret(path)).toThrow(/may be read by other users \(mode 644\).*chmod 600/);
    const short = join(directory, 'short');
    writeFileSync(short, 'abc\n', { mode: 0o600 });
    expect(() => loadOrCreateSecret(short)).toThrow(/shorter than 32 bytes/);
  });
});
