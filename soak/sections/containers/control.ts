// A container that breaks every rule on purpose (root, an added capability, no limits, a file
// named like the Docker socket mounted in): the check must flag each, which shows it can see a
// violation at all. It runs `sleep` with no network and is removed at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInspect } from '../../support/docker-inspect.js';
import { processUsers } from '../../support/docker-inspect.js';
import { hardeningViolations } from './hardening.js';

/** The rules the control container breaks. */
export const controlRulesBroken = 10;

export const controlViolations = (image: string): string[] => {
  const fakeSocket = join(mkdtempSync(join(tmpdir(), 'ampo-soak-control-')), 'docker.sock');
  writeFileSync(fakeSocket, '');
  const id = execFileSync(
    'docker',
    [
      'run',
      '--detach',
      '--network',
      'none',
      '--user',
      '0',
      '--cap-add',
      'NET_ADMIN',
      '--volume',
      `${fakeSocket}:/var/run/docker.sock:ro`,
      image,
      'sleep',
      '60',
    ],
    { encoding: 'utf8' },
  ).trim();
  try {
    const [inspect] = JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' })) as ContainerInspect[];
    return inspect ? hardeningViolations(inspect, processUsers(id)) : [];
  } finally {
    execFileSync('docker', ['rm', '--force', id], { stdio: 'ignore' });
  }
};
