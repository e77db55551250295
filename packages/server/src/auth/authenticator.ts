import { AmpoError } from '@ampo/core';
import { createMiddleware } from 'hono/factory';
import type { ServerEnv } from '../server-env.js';
import { createOneTimeUse } from './one-time-use.js';
import type { Principal, Scope } from './scopes.js';
import { createTokenService, type ExternalIdentityProvider, type IssuedToken, type TokenService } from './tokens.js';

export const sessionCookieName = 'ampo_session';

export interface AuthSettings {
  /** The HS256 key of the tokens this server signs (see `loadOrCreateSecret`). At least 32 bytes. */
  secret: Uint8Array;
  /**
   * Take bearer tokens from an identity provider instead: they are verified through its JWKS,
   * issuer and audience, and their `scope` (or `scp`) claim grants ampo's scopes. Sessions,
   * tickets and login links stay signed by `secret`.
   */
  identityProvider?: ExternalIdentityProvider;
  /** How long a browser session lasts. @default 43_200 (12 hours) */
  sessionTtlSeconds?: number;
  /** How long a WebSocket ticket may wait to be used. @default 60 */
  ticketTtlSeconds?: number;
  /** How long a login link stays valid. @default 900 (15 minutes) */
  loginLinkTtlSeconds?: number;
}

export interface Authenticator {
  readonly tokens: TokenService;
  /** Verifies a request's credential: `Authorization: Bearer`, else the session cookie, else (where allowed) a ticket. */
  authenticate(request: Request, options?: { allowTicket?: boolean }): Promise<Principal>;
  /** A one-time login link's code, for `scopes`. */
  issueLoginCode(subject: string, scopes: readonly Scope[]): Promise<IssuedToken>;
  /** Redeems a login code (once) into a session token for the cookie. */
  redeemLoginCode(code: string): Promise<IssuedToken & { principal: Principal }>;
  /** A short-lived, one-time ticket for opening a WebSocket without a long-lived token in the URL. */
  issueTicket(principal: Principal): Promise<IssuedToken>;
}

const unauthenticated = () => new AmpoError('unauthorized', 'This needs a bearer token, a session cookie or a ticket.');

export const createAuthenticator = (settings: AuthSettings): Authenticator => {
  if (settings.secret.length < 32) throw new AmpoError('invalid-input', 'The token secret must be at least 32 bytes.');
  const tokens = createTokenService({
    secret: settings.secret,
    ...(settings.identityProvider ? { identityProvider: settings.identityProvider } : {}),
  });
  const redeemed = createOneTimeUse();
  const sessionTtl = settings.sessionTtlSeconds ?? 43_200;
  const ticketTtl = settings.ticketTtlSeconds ?? 60;
  const loginTtl = settings.loginLinkTtlSeconds ?? 900;

  /** Verifies a one-time token of `use` and spends it. */
  const redeem = async (token: string, use: 'ticket' | 'login', via: Principal['via']): Promise<Principal> => {
    const payload = await tokens.verifyOwn(token, use);
    const principal = tokens.principalOf(payload, via);
    if (!redeemed.redeem(String(payload.jti), principal.expiresAt))
      throw new AmpoError('unauthorized', 'The credential is invalid or expired.');
    return principal;
  };

  return {
    tokens,
    async authenticate(request, options = {}) {
      const header = request.headers.get('authorization');
      if (header !== null) {
        const match = /^Bearer[ \t]+([A-Za-z0-9._~+/-]+=*)[ \t]*$/i.exec(header);
        if (!match?.[1]) throw new AmpoError('unauthorized', 'The Authorization header must be `Bearer <token>`.');
        return tokens.verifyAccessToken(match[1]);
      }
      const cookie = parseCookie(request.headers.get('cookie'), sessionCookieName);
      if (cookie) return tokens.verifySession(cookie);
      const ticket = options.allowTicket ? new URL(request.url).searchParams.get('ticket') : null;
      if (ticket) return redeem(ticket, 'ticket', 'ticket');
      throw unauthenticated();
    },
    issueLoginCode: (subject, scopes) => tokens.issue({ subject, scopes, use: 'login', ttlSeconds: loginTtl }),
    async redeemLoginCode(code) {
      const principal = await redeem(code, 'login', 'session');
      const session = await tokens.issue({
        subject: principal.subject,
        scopes: [...principal.scopes],
        use: 'session',
        ttlSeconds: sessionTtl,
      });
      return { ...session, principal: { ...principal, expiresAt: session.expiresAt } };
    },
    issueTicket: (principal) =>
      tokens.issue({ subject: principal.subject, scopes: [...principal.scopes], use: 'ticket', ttlSeconds: ticketTtl }),
  };
};

const parseCookie = (header: string | null, name: string): string | undefined => {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
};

/**
 * Requires a credential with `scope`; 401 without a valid one, 403 when it lacks the scope.
 * A session cookie on a request that changes something, or opens a WebSocket, must come from this
 * server's own pages: a cross-site `Origin` is refused (SameSite=Strict already keeps the cookie
 * off most such requests; this also covers cross-site WebSocket hijacking).
 */
export const requireScope = (authenticator: Authenticator, scope: Scope, options: { allowTicket?: boolean } = {}) =>
  createMiddleware<ServerEnv>(async (c, next) => {
    const principal = await authenticator.authenticate(c.req.raw, options);
    // A WebSocket handshake is a GET, but it opens a channel: it gets the same check.
    const acts = !isSafeMethod(c.req.method) || c.req.header('upgrade') !== undefined;
    if (principal.via === 'session' && acts && !sameOrigin(c.req.raw)) {
      throw new AmpoError('forbidden', 'A session cookie is only accepted from pages of this server (the Origin does not match).');
    }
    if (!principal.scopes.has(scope)) {
      throw new AmpoError('forbidden', `This needs the ${scope} scope, which the credential does not grant.`);
    }
    c.set('principal', principal);
    await next();
  });

const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/** True when the request has no Origin (not a browser's cross-site request) or the Origin is this host. */
export const sameOrigin = (request: Request): boolean => {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  try {
    return new URL(origin).host === (request.headers.get('host') ?? new URL(request.url).host);
  } catch {
    return false;
  }
};
