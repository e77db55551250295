import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';

const decodePart = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/**
 * Verifies a GitHub App JWT as GitHub does: RS256 with the App's public key, `iss` equal to the
 * App id (or client id), `exp` in the future and at most 10 minutes after `iat`.
 * Returns a reason when it is not acceptable.
 */
export const verifyAppJwt = (
  token: string,
  settings: { publicKey: KeyObject | string; appId: number; nowMs: number },
): string | undefined => {
  const parts = token.split('.');
  if (parts.length !== 3) return 'A JSON web token could not be decoded';
  const [header, payload, signature] = parts as [string, string, string];
  let headerJson: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    headerJson = decodePart(header);
    claims = decodePart(payload);
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (headerJson.alg !== 'RS256') return "'alg' must be RS256";
  const key = typeof settings.publicKey === 'string' ? createPublicKey(settings.publicKey) : settings.publicKey;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(key, Buffer.from(signature, 'base64url'))) return 'A JSON web token could not be decoded';
  if (String(claims.iss) !== String(settings.appId)) return "'Issuer' claim ('iss') must be an Integer";
  const now = Math.floor(settings.nowMs / 1000);
  if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  }
  if (claims.exp <= now)
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
  if (claims.iat > now + 60) return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  return undefined;
};
