import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createdTask } from './__fixtures__/tasks.js';
import { createSqliteStore } from './create-sqlite-store.js';

/** Starts a writer and resolves once it is ready, with a way to let it go and its output. */
const startWriter = (args: string[]) =>
  new Promise<{ go: () => void; done: Promise<string> }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    const done = new Promise<string>((resolveDone, rejectDone) => {
      child.on('exit', (code) => (code === 0 ? resolveDone(stdout) : rejectDone(new Error(`writer exited ${code}: ${stderr}`))));
    });
    child.stdout.on('data', (data) => {
      stdout += data;
      if (stdout.startsWith('ready\n')) {
        stdout = stdout.slice('ready\n'.length);
        resolve({ go: () => child.stdin.end('go\n'), done });
      }
    });
    done.catch(reject);
  });
const writerScript = fileURLToPath(new URL('./__fixtures__/concurrent-writer.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'ampo-store-concurrent-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('two processes appending to one task on one file lose no event and no log chunk', { timeout: 120_000 }, async () => {
  const filename = join(directory, 'shared.db');
  const setup = await createSqliteStore({ filename });
  const { event, snapshot } = createdTask('t-shared', 1_000);
  await setup.append('t-shared', [event], snapshot);
  await setup.close();

  const count = 200;
  const writers = ['a', 'b'];
  const started = await Promise.all(writers.map((writer) => startWriter([filename, 't-shared', writer, String(count)])));
  for (const writer of started) writer.go();
  const outputs = await Promise.all(started.map((writer) => writer.done));
  const retries = outputs.map((stdout) => JSON.parse(stdout.trim()) as { conflict: number; unavailable: number });

  const store = await createSqliteStore({ filename });
  const events = await store.readEvents('t-shared');
  expect(events.map((stored) => stored.seq)).toEqual(Array.from({ length: 2 * count + 1 }, (_, index) => index + 1));
  const texts = events.flatMap((stored) => (stored.type === 'message-received' ? [stored.text] : []));
  const expected = writers.flatMap((writer) => Array.from({ length: count }, (_, index) => `${writer}:${index}`));
  expect([...texts].sort()).toEqual([...expected].sort());
  // Each writer's own events stay in its order.
  for (const writer of writers) {
    expect(texts.filter((text) => text.startsWith(`${writer}:`))).toEqual(expected.filter((text) => text.startsWith(`${writer}:`)));
  }
  const task = await store.getTask('t-shared');
  expect(task?.lastSeq).toBe(2 * count + 1);
  expect([...(task?.pendingMessages ?? [])].sort()).toEqual([...expected].sort());
  const logs = await store.readLogs('t-shared');
  expect(logs.map((log) => log.seq)).toEqual(Array.from({ length: 2 * count }, (_, index) => index + 1));
  expect(logs.map((log) => log.text).sort()).toEqual([...expected].sort());
  await store.close();
  // The writers really did interleave: at least one of them lost a race and retried.
  expect(retries.reduce((sum, counts) => sum + counts.conflict + counts.unavailable, 0)).toBeGreaterThan(0);
});
