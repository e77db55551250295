import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

/** A lock with no pid this long after it was made lost its owner between mkdir and writing the pid. */
const ownerlessGraceMs = 2_000;
/** Holders keep the lock for one read and one write: one this old is a dead process's whose pid was reused. */
const staleLockMs = 15_000;

const ageOf = async (path: string): Promise<number> => {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * Runs `work` while holding a lock that other processes on this host respect: a directory made
 * atomically beside the file, holding the owner's pid. A lock whose owner died (SIGKILL) is broken,
 * and so is one left without a pid or held implausibly long (its pid reused by another process).
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
      // No pid yet: its owner is between mkdir and writeFile, or was killed there (SIGKILL); an
      // owner alive after many seconds is another process that got a dead owner's pid (a restart
      // in a container often has the same pid).
      const age = await ageOf(lock);
      const stale = owner > 0 ? !isAlive(owner) || age > staleLockMs : age > ownerlessGraceMs;
      if (stale) await rm(lock, { recursive: true, force: true });
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
