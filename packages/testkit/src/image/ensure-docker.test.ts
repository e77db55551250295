import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../../scripts/ensure-docker.sh', import.meta.url));
let stubs: string;

/**
 * Runs the real script against the real engine on a PATH without /usr/sbin (so neither debootstrap
 * nor dockerd is found), with apt-get, apt-cache (and, for a user, id) replaced by stubs that only
 * record what they were asked: nothing is installed on the machine.
 */
const run = (asUser = false) => {
  stubs = mkdtempSync(join(tmpdir(), 'ampo-ensure-docker-'));
  const stub = (name: string, body: string) => {
    writeFileSync(join(stubs, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(stubs, name), 0o755);
  };
  stub('apt-get', `echo "$*" >>"${stubs}/apt-get.calls"`);
  stub('apt-cache', `echo "$1"; echo "  Candidate: 1.0.128"`);
  if (asUser) stub('id', 'echo 1000');
  const env = { PATH: `${stubs}:/usr/local/bin:/usr/bin:/bin`, AMPO_DOCKERD_WAIT: '5', AMPO_ENSURE_DOCKER_LOCK: join(stubs, 'lock') };
  return spawnSync('bash', [script], { env, encoding: 'utf8', timeout: 120_000 });
};
const aptCalls = () => {
  try {
    return readFileSync(join(stubs, 'apt-get.calls'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
};

beforeAll(() => {
  execFileSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
}, 600_000);
afterEach(() => rmSync(stubs, { recursive: true, force: true }));

describe('scripts/ensure-docker.sh where a Docker engine already answers', () => {
  it.skipIf(process.getuid?.() !== 0)('installs debootstrap, which the offline image needs, and starts no engine', () => {
    const result = run();
    expect(result.status).toBe(0);
    expect(aptCalls()).toEqual([expect.stringMatching(/install -y -qq --no-install-recommends debootstrap$/)]);
    expect(result.stderr).toContain('installing debootstrap');
    expect(result.stderr).not.toContain('started dockerd');
  });

  it('says what to install when it cannot install it itself, and still succeeds', () => {
    const result = run(true);
    expect(result.status).toBe(0);
    expect(aptCalls()).toEqual([]);
    expect(result.stderr).toContain('debootstrap is not installed');
    expect(result.stderr).toContain('sudo apt-get install debootstrap');
    expect(result.stderr).toContain('packages/adapter-docker/worker-image/Dockerfile');
  });
});
