// Distinct, recognisable values for every secret the run hands the server, and the forms in
// which each could leak (as is, and base64 as in an HTTP basic-auth header).
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Canary {
  name: string;
  value: string;
  /** Strings whose presence anywhere searched is a leak of this secret. */
  forms: string[];
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
export const canary = (name: string, value: string, extraForms: string[] = []): Canary => ({
  name,
  value,
  forms: [value, base64(value).replace(/=+$/, ''), ...extraForms],
});

const random = (name: string) => `soakcanary${name.replace(/[^a-z]/gi, '')}${randomBytes(12).toString('hex')}`;

/** The agents' keys, as the server takes them from its environment. */
export const agentKeyCanaries = () => ({
  AMP_API_KEY: random('amp'),
  ANTHROPIC_API_KEY: random('anthropic'),
  CODEX_API_KEY: random('codex'),
});

/** A token-signing secret in the format `ampo-server` creates (base64url, ≥ 32 bytes), written where it looks for it. */
export const writeJwtSecret = (dataDirectory: string): { value: string; file: string } => {
  const value = `soakcanaryjwt${randomBytes(36).toString('base64url').replace(/[-_]/g, 'x')}`;
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  const file = join(dataDirectory, 'jwt-secret');
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { value, file };
};

/** The local git server's token (random per start): the forms include the basic-auth header value git sends. */
export const gitTokenCanary = (token: string) => canary('git-token', token, [base64(`x-access-token:${token}`)]);

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
