import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AmpoError } from '@ampo/core';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding a lock that other processes on this host respect: a directory made
 * atomically beside the file, holding the owner's pid. A lock whose owner died (SIGKILL) is broken.
 */
export const withFileLock = async <T>(path: string, work: () => Promise<T>, timeoutMs = 30_000): Promise<T> => {
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(100, wait * 2)) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''));
      // No pid yet: its owner is between mkdir and writeFile, or died there; give it a moment.
      if (owner > 0 && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new AmpoError('unavailable', `${path} stayed locked by process ${owner || 'unknown'} for ${timeoutMs} ms.`, {
          retryable: true,
        });
      else await pause(wait);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
};
