import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('the embedding example runs red, then green, and exits 0', async () => {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const { stdout } = await run('npx', ['tsx', main], { cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
  const lines = stdout.trim().split('\n');
  expect(lines).toContain('ci      failure');
  expect(lines).toContain('ci      success');
  expect(lines.at(-1)).toMatch(/^task [0-9a-f-]{36} succeeded$/);
}, 60_000);
