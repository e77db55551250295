import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AmpoError } from '@ampo/core';

const minimumBytes = 32;

/**
 * The server's token-signing secret: read from `path`, or created there on first start (32
 * random bytes, base64url, file mode 0600, the directory 0700 when ampo creates it). A file that
 * others may read is refused, as ssh refuses a private key with loose permissions.
 */
export const loadOrCreateSecret = (path: string): Uint8Array => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${randomBytes(minimumBytes).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new AmpoError('internal', `Cannot create the token secret ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new AmpoError(
      'forbidden',
      `The token secret ${path} may be read by other users (mode ${mode.toString(8)}). Run \`chmod 600 ${path}\`, or delete it to make a new one (every token it signed stops working).`,
    );
  }
  const secret = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
  if (secret.length < minimumBytes) {
    throw new AmpoError('invalid-input', `The token secret ${path} is shorter than ${minimumBytes} bytes; delete it to make a new one.`);
  }
  return new Uint8Array(secret);
};
