import type { Logger } from '@ampo/core';
import { type Logger as PinoLogger, pino } from 'pino';

/** Headers and fields whose values never reach a log line. */
export const redactedPaths = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-hub-signature-256"]',
  'token',
  'ticket',
  'code',
  'secret',
];

/** The server's default logger: JSON lines on stdout (pino), with credentials redacted. */
export const createDefaultLogger = (level = process.env.AMPO_LOG_LEVEL ?? 'info'): PinoLogger =>
  pino({ level, redact: { paths: redactedPaths, censor: '[redacted]' }, base: { service: 'ampo-server' } });

/** core's `Logger` port over pino: core passes (message, fields), pino takes (fields, message). */
export const asCoreLogger = (logger: PinoLogger): Logger => ({
  debug: (message, fields) => logger.debug(fields ?? {}, message),
  info: (message, fields) => logger.info(fields ?? {}, message),
  warn: (message, fields) => logger.warn(fields ?? {}, message),
  error: (message, fields) => logger.error(fields ?? {}, message),
});
