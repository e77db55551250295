// Credentials that must not get in: none, garbage, expired, a tampered signature, `alg: none`, the
// wrong audience or issuer, a token minted for another use, one signed with another key.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadOrCreateSecret } from '../../../packages/server/src/auth/secret-file.js';

export interface Credential {
  name: string;
  /** Headers the request carries (an Authorization or a Cookie header), none for `no credential`. */
  headers: Record<string, string>;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const bearer = (name: string, token: string): Credential => ({ name, headers: { authorization: `Bearer ${token}` } });

/** Forged and wrong credentials for the server whose data directory is `dataDir`; `valid` is a real admin token it issued. */
export const forgedCredentials = async (dataDir: string, valid: string): Promise<Credential[]> => {
  const secret = loadOrCreateSecret(join(dataDir, 'jwt-secret'));
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, options: { key?: Uint8Array; issuer?: string; audience?: string; exp?: number } = {}) =>
    new SignJWT({ scope: 'admin', ampo_use: 'access', ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(options.issuer ?? 'ampo')
      .setAudience(options.audience ?? 'ampo')
      .setSubject('soak')
      .setIssuedAt(now - 60)
      .setExpirationTime(options.exp ?? now + 3600)
      .setJti(randomUUID())
      .sign(options.key ?? secret);
  const [header = '', payload = '', signature = ''] = valid.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
  return [
    { name: 'no credential', headers: {} },
    bearer('garbage', 'not-a-token'),
    { name: 'empty bearer', headers: { authorization: 'Bearer ' } },
    { name: 'basic scheme', headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } },
    bearer('expired', await sign({}, { exp: now - 600 })),
    bearer('tampered signature', `${header}.${payload}.${flipped}`),
    bearer('tampered payload', `${header}.${base64url({ ...claims, sub: 'someone-else', scope: 'admin' })}.${signature}`),
    bearer('alg none', `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, scope: 'admin' })}.`),
    bearer(
      'alg None with a signature',
      `${base64url({ alg: 'None', typ: 'JWT' })}.${base64url({ ...claims, scope: 'admin' })}.${signature}`,
    ),
    bearer('wrong audience', await sign({}, { audience: 'someone-else' })),
    bearer('wrong issuer', await sign({}, { issuer: 'https://evil.example' })),
    bearer('another key', await sign({}, { key: randomBytes(32) })),
    bearer('a session token as a bearer', await sign({ ampo_use: 'session' })),
    bearer('a login code as a bearer', await sign({ ampo_use: 'login' })),
    bearer('a ticket as a bearer', await sign({ ampo_use: 'ticket' })),
    bearer('no use claim', await sign({ ampo_use: undefined })),
    { name: 'a bearer token as the session cookie', headers: { cookie: `ampo_session=${valid}` } },
    {
      name: 'a forged session cookie',
      headers: { cookie: `ampo_session=${await sign({ ampo_use: 'session' }, { key: randomBytes(32) })}` },
    },
  ];
};
