import type { Logger } from '@ampo/core';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** core's `Logger` as plain lines for a person at a terminal (`run`): `warn: message key=value …`, from `level` up. */
export const createTerminalLogger = (level: string, write: (line: string) => void): Logger => {
  const threshold = Math.max(0, levels.indexOf(level as (typeof levels)[number]));
  const at =
    (name: (typeof levels)[number]) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (levels.indexOf(name) < threshold) return;
      const details = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
      write([`${name}:`, message, ...details].join(' '));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};
