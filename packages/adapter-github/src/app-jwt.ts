import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { AmpoError, type Clock } from '@ampo/core';

/**
 * Signs the App's JWT (RS256) with time from the injected clock, so that token lifetimes follow
 * the same clock as everything else. Backdated by 60 s against clock drift, valid 9 minutes (GitHub
 * allows 10).
 */
export const createAppJwtSigner = (appId: number | string, privateKey: string, clock: Clock) => {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKey);
  } catch (error) {
    throw new AmpoError('invalid-input', `The GitHub App private key is not a PEM RSA key: ${(error as Error).message}`);
  }
  return async (id: number | string, timeDifference = 0): Promise<{ jwt: string; expiresAt: string }> => {
    const now = Math.floor(clock.now() / 1000) + (timeDifference ?? 0);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const exp = now + 9 * 60;
    const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 60, exp, iss: Number(id ?? appId) || String(id ?? appId) })}`;
    const signer = createSign('RSA-SHA256');
    signer.update(unsigned);
    return { jwt: `${unsigned}.${signer.sign(key).toString('base64url')}`, expiresAt: new Date(exp * 1000).toISOString() };
  };
};
