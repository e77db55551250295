import { createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * A string option parsed by `parse`, or one issue saying `expected` when it returns undefined:
 * each bad value gets exactly one message.
 */
export const parsed = <T>(expected: string, parse: (raw: string) => T | undefined) =>
  z.string().transform((raw, context): T => {
    const value = parse(raw.trim());
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return value;
  });

const wholeNumber = (raw: string, min: number, max: number) => {
  if (!/^\d{1,9}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
};

export const port = parsed('must be a whole number from 0 to 65535', (raw) => wholeNumber(raw, 0, 65535));

export const count = (max: number) => parsed(`must be a whole number from 1 to ${max}`, (raw) => wholeNumber(raw, 1, max));

export const host = parsed('must be a host name or an IP address, like 127.0.0.1, 0.0.0.0 or ::1', (raw) =>
  /^[A-Za-z0-9.:_-]{1,253}$/.test(raw) ? raw : undefined,
);

export const httpUrl = parsed('must be an http:// or https:// URL', (raw) => {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString().replace(/\/+$/, '') : undefined;
  } catch {
    return undefined;
  }
});

/** A path, made absolute against the current directory. */
export const path = parsed('must be a path', (raw) => (raw.length > 0 && !raw.includes('\0') ? resolve(raw) : undefined));

export const existingDirectory = parsed('must be a directory that exists', (raw) => {
  if (raw.length === 0) return undefined;
  const absolute = resolve(raw);
  return statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ? absolute : undefined;
});

export const image = parsed('must be an image reference, like ampo-worker:1 or registry.example.com/ampo-worker:1', (raw) =>
  /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$/.test(raw) ? raw : undefined,
);

export const identifier = parsed('must be 1 to 63 letters, digits, dots, dashes or underscores', (raw) =>
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(raw) ? raw : undefined,
);

export const command = parsed('must be the name or path of an executable, without spaces', (raw) =>
  /^[A-Za-z0-9_./+-]{1,200}$/.test(raw) ? raw : undefined,
);

export const logLevel = parsed('must be one of fatal, error, warn, info, debug, trace, silent', (raw) =>
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(raw) ? raw : undefined,
);

/** A PostgreSQL connection URL; the message never repeats it (it may hold a password). */
export const postgresUrl = parsed('must be a postgres:// or postgresql:// URL', (raw) => {
  try {
    const url = new URL(raw);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname.length > 0 ? raw : undefined;
  } catch {
    return undefined;
  }
});

export const dockerHost = parsed('must be unix:///path/to/docker.sock or tcp://host:port', (raw) =>
  /^unix:\/\/\/\S+$/.test(raw) || /^tcp:\/\/[^\s/:]+(:\d{1,5})?\/?$/.test(raw) ? raw : undefined,
);

export const text = parsed('must not be empty', (raw) => (raw.length > 0 ? raw : undefined));

/** `30s`, `15m`, `1h`, `7d` in seconds; at most a year. */
export const duration = parsed('must be a duration like 30m, 1h or 7d (s, m, h or d; at most 365d)', (raw) => {
  const match = /^(\d{1,6})([smhd])$/.exec(raw);
  if (!match) return undefined;
  const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return seconds > 0 && seconds <= 365 * 86_400 ? seconds : undefined;
});

const isPrivateKey = (pem: string) => {
  try {
    return createPrivateKey(pem).type === 'private';
  } catch {
    return false;
  }
};

/** A PEM private key given inline; `\n` written as two characters (as some secret stores keep it) is a newline. */
export const inlinePrivateKey = parsed('must be a PEM private key (-----BEGIN … PRIVATE KEY-----)', (raw) => {
  const pem = raw.includes('\\n') && !raw.includes('\n') ? raw.replaceAll('\\n', '\n') : raw;
  return isPrivateKey(pem) ? pem : undefined;
});

/** A file that holds a PEM private key: its contents. */
export const privateKeyFile = parsed('must be a readable file holding a PEM private key', (raw) => {
  try {
    const pem = readFileSync(resolve(raw), 'utf8');
    return isPrivateKey(pem) ? pem : undefined;
  } catch {
    return undefined;
  }
});
