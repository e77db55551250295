import { constants } from 'node:os';
import type { ExitStatus } from '@ampo/core';

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]));

/**
 * Docker (like a shell) reports a process killed by signal N as exit code 128 + N; the port
 * wants `{ code: null, signal }` for those. A process that itself exits with such a code is
 * reported as signalled too: Docker gives no way to tell the two apart.
 */
export const toExitStatus = (code: number | null): ExitStatus => {
  if (code === null) return { code: null };
  const signal = code > 128 ? signalNames.get(code - 128) : undefined;
  return signal ? { code: null, signal } : { code };
};
