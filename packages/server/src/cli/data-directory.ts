import { join } from 'node:path';
import { loadOrCreateSecret } from '../auth/secret-file.js';

/** The server's token-signing secret in its data directory (created there on first use). */
export const secretOf = (dataDirectory: string): Uint8Array => loadOrCreateSecret(join(dataDirectory, 'jwt-secret'));

/** The URL a person reaches the server at: the public URL, else the listen address (a wildcard one shown as loopback). */
export const browserUrl = (options: { publicUrl?: string | undefined; host: string; port: number }): string => {
  if (options.publicUrl) return options.publicUrl;
  const host = options.host === '0.0.0.0' ? '127.0.0.1' : options.host === '::' ? '::1' : options.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
};
