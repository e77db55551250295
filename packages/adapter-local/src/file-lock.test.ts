import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';

const lockModule = fileURLToPath(new URL('./file-lock.ts', import.meta.url));

/** A process that adds one to the counter file `times` times, each read-modify-write under the lock. */
const incrementer = (counter: string, times: number) =>
  new Promise<number | null>((resolve) => {
    const script = `
      import { readFile, writeFile } from 'node:fs/promises';
      const { withFileLock } = await import(${JSON.stringify(lockModule)});
      for (let i = 0; i < ${times}; i++) {
        await withFileLock(${JSON.stringify(counter)}, async () => {
          const value = Number(await readFile(${JSON.stringify(counter)}, 'utf8'));
          await new Promise((r) => setTimeout(r, 1));
          await writeFile(${JSON.stringify(counter)}, String(value + 1));
        });
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
    child.on('close', resolve);
  });

describe('withFileLock', () => {
  it('serialises read-modify-write across processes: no update is lost', async () => {
    const counter = join(mkdtempSync(join(tmpdir(), 'ampo-lock-')), 'counter');
    writeFileSync(counter, '0');
    expect(await Promise.all([incrementer(counter, 40), incrementer(counter, 40), incrementer(counter, 40)])).toEqual([0, 0, 0]);
    expect(readFileSync(counter, 'utf8')).toBe('120');
  }, 60_000);

  it('breaks a lock whose owner died, and waits for a live one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ampo-lock-')), 'reviews.json');
    mkdirSync(`${file}.lock`);
    // A pid that no process has (beyond the kernel's default pid_max).
    writeFileSync(join(`${file}.lock`, 'pid'), '4194305');
    expect(await withFileLock(file, async () => 'ran')).toBe('ran');

    mkdirSync(`${file}.lock`);
    writeFileSync(join(`${file}.lock`, 'pid'), String(process.pid));
    await expect(withFileLock(file, async () => 'ran', 200)).rejects.toThrow(/stayed locked by process/);
  });

  it('breaks a lock left without a pid (its owner was killed before writing it) once it is a few seconds old', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ampo-lock-')), 'reviews.json');
    const lock = `${file}.lock`;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), '');
    // Fresh: its owner may be about to write its pid.
    await expect(withFileLock(file, async () => 'ran', 200)).rejects.toThrow(/stayed locked by process unknown/);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    expect(await withFileLock(file, async () => 'ran', 200)).toBe('ran');
  });

  it("breaks a lock held for far longer than any holder holds one: a dead owner's pid now belongs to another process", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ampo-lock-')), 'reviews.json');
    const lock = `${file}.lock`;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.ppid));
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    expect(await withFileLock(file, async () => 'ran', 200)).toBe('ran');
  });
});
