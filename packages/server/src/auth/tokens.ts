import { randomUUID } from 'node:crypto';
import { AmpoError } from '@ampo/core';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { expandScopes, type Principal, type Scope } from './scopes.js';

/** What a token this server signs is for; a token is only ever accepted for its own use. */
export type TokenUse = 'access' | 'session' | 'ticket' | 'login';

const issuer = 'ampo';
const audience = 'ampo';
const useClaim = 'ampo_use';
const clockToleranceSeconds = 5;
/** Asymmetric only: a provider's public key can never be mistaken for an HMAC secret. */
const providerAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface ExternalIdentityProvider {
  /** The provider's JSON Web Key Set, e.g. `https://idp.example.com/.well-known/jwks.json`. */
  jwksUrl: string;
  issuer: string;
  audience: string;
}

const invalid = () => new AmpoError('unauthorized', 'The credential is invalid or expired.');

/**
 * Principals of tokens verified before, until the token expires: a token is immutable, so a
 * second signature check of the same string can only agree. Bounded; the oldest leave first.
 */
const createVerifiedCache = (capacity = 10_000) => {
  const entries = new Map<string, Principal>();
  return {
    get(token: string): Principal | undefined {
      const principal = entries.get(token);
      if (!principal) return undefined;
      if (principal.expiresAt <= Date.now()) {
        entries.delete(token);
        return undefined;
      }
      return principal;
    },
    set(token: string, principal: Principal) {
      entries.set(token, principal);
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
  };
};

/** `scope` as a space-separated string (RFC 8693) or `scp` as a list or string (Azure, Okta). */
const scopesOf = (payload: JWTPayload): string[] => {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(/\s+/).filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((item): item is string => typeof item === 'string');
  return [];
};

/**
 * Signs and verifies this server's tokens (HS256 with its secret) and, when configured, verifies
 * access tokens of an identity provider through its JWKS. Every failure is the same
 * `unauthorized` error: the caller learns nothing about why.
 */
export const createTokenService = (settings: { secret: Uint8Array; identityProvider?: ExternalIdentityProvider }) => {
  const { secret } = settings;
  const provider = settings.identityProvider;
  const jwks: JWTVerifyGetKey | undefined = provider ? createRemoteJWKSet(new URL(provider.jwksUrl)) : undefined;

  const issue = async (claims: { subject: string; scopes: readonly Scope[]; use: TokenUse; ttlSeconds: number }): Promise<IssuedToken> => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAtSeconds = issuedAt + Math.max(1, Math.floor(claims.ttlSeconds));
    const token = await new SignJWT({ scope: claims.scopes.join(' '), [useClaim]: claims.use })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(claims.subject)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAtSeconds)
      .setJti(randomUUID())
      .sign(secret);
    return { token, expiresAt: expiresAtSeconds * 1000 };
  };

  const verified = createVerifiedCache();

  const principalOf = (payload: JWTPayload, via: Principal['via']): Principal => {
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || typeof payload.exp !== 'number') throw invalid();
    return { subject: payload.sub, scopes: expandScopes(scopesOf(payload)), via, expiresAt: payload.exp * 1000 };
  };

  /** Verifies a token this server signed for `use`; returns its payload. */
  const verifyOwn = async (token: string, use: TokenUse): Promise<JWTPayload> => {
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        issuer,
        audience,
        requiredClaims: ['exp', 'sub', 'jti'],
        clockTolerance: clockToleranceSeconds,
      });
      if (payload[useClaim] !== use) throw invalid();
      return payload;
    } catch {
      throw invalid();
    }
  };

  const verifyAccess = async (token: string): Promise<Principal> => {
    if (!jwks || !provider) return principalOf(await verifyOwn(token, 'access'), 'bearer');
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: providerAlgorithms,
        issuer: provider.issuer,
        audience: provider.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: clockToleranceSeconds,
      });
      return principalOf(payload, 'bearer');
    } catch {
      throw invalid();
    }
  };

  return {
    issue,
    verifyOwn,
    principalOf,
    /** A session cookie's token (reusable until it expires). */
    async verifySession(token: string): Promise<Principal> {
      const known = verified.get(`session:${token}`);
      if (known) return known;
      const principal = principalOf(await verifyOwn(token, 'session'), 'session');
      verified.set(`session:${token}`, principal);
      return principal;
    },
    /** A bearer token: the identity provider's when one is configured, else one this server issued. */
    async verifyAccessToken(token: string): Promise<Principal> {
      const known = verified.get(`access:${token}`);
      if (known) return known;
      const principal = await verifyAccess(token);
      verified.set(`access:${token}`, principal);
      return principal;
    },
  };
};

export type TokenService = ReturnType<typeof createTokenService>;
