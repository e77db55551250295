import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmpoError } from '@ampo/core';
import { type BaseImagePlan, planBaseImage } from './base-image-plan.js';
import { findDebianMirror } from './debian-mirror.js';
import { runChecked, runCommand } from './run-command.js';

/** The repository name of the offline worker image; its tag is a content hash of the recipe. */
export const testImageName = 'ampo-test-worker';

const suite = 'bookworm';
const packages = ['git', 'ca-certificates', 'nodejs'];

// Run inside the chroot after debootstrap. Part of the recipe hash: edit it and the image rebuilds.
const setupScript = `set -e
useradd --uid 1000 --user-group --create-home --shell /bin/bash agent
mkdir -p /workspace && chown agent:agent /workspace
rm -rf /var/cache/apt/archives/*.deb /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /usr/share/locale/*
`;

const imageChanges = [
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'ENV LANG=C.UTF-8',
  'WORKDIR /workspace',
  'USER agent',
  'CMD ["sleep", "infinity"]',
];

const baseRecipe = JSON.stringify({ version: 1, suite, variant: 'minbase', packages, setupScript, imageChanges });

const hash = (...parts: string[]) => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex').slice(0, 16);
};

/** Every file under `directory` (paths, modes, contents), so any change retags the image. */
const hashDirectory = (directory: string): string => {
  const digest = createHash('sha256');
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = join(path, name);
      const stat = statSync(full);
      digest.update(`${relative(directory, full)}\0${stat.mode & 0o111 ? 'x' : '-'}\0`);
      if (stat.isDirectory()) walk(full);
      else digest.update(readFileSync(full));
    }
  };
  walk(directory);
  return digest.digest('hex');
};

/** The scripted agent's directory, if the testkit ships one (source tree or built package). */
const findScriptedAgent = (): string | undefined =>
  ['../../scripted-agent', '../scripted-agent']
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((path) => existsSync(join(path, 'bin', 'ampo-scripted-agent.js')));

/** The real agent CLIs, pinned as in worker-image/Dockerfile. */
export const agentCliPackages = [
  '@ampcode/cli@0.0.1790142911-g7618fb',
  '@anthropic-ai/claude-code@2.1.197',
  '@openai/codex@0.169.0',
] as const;

export interface BuildTestImageOptions {
  /**
   * A directory with a `bin/ampo-scripted-agent.js` to install at `/opt/ampo-scripted-agent`.
   * @default the testkit's own `scripted-agent/` when present
   */
  scriptedAgentDirectory?: string;
  /**
   * Also install the real agent CLIs ({@link agentCliPackages}: `amp`, `claude`, `codex` on PATH),
   * fetched with npm on the host (about 750 MB more).
   * @default true when AMPO_TEST_IMAGE_AGENT_CLIS=1, else false
   */
  agentClis?: boolean;
  /** Called with progress lines. @default no output */
  log?: (line: string) => void;
}

interface Resolved {
  agentDirectory: string | undefined;
  agentClis: boolean;
}

const resolveOptions = (options: BuildTestImageOptions): Resolved => ({
  agentDirectory: options.scriptedAgentDirectory ? resolve(options.scriptedAgentDirectory) : findScriptedAgent(),
  agentClis: options.agentClis ?? process.env.AMPO_TEST_IMAGE_AGENT_CLIS === '1',
});

const referenceOf = ({ agentDirectory, agentClis }: Resolved) =>
  `${testImageName}:${hash(baseRecipe, agentDirectory ? hashDirectory(agentDirectory) : 'no-scripted-agent', agentClis ? agentCliPackages.join(' ') : 'no-agent-clis')}`;

/** The image reference (`ampo-test-worker:<hash>`) that {@link buildTestImage} produces for these options. */
export const testImageReference = (options: Pick<BuildTestImageOptions, 'scriptedAgentDirectory' | 'agentClis'> = {}): string =>
  referenceOf(resolveOptions(options));

const imageExists = async (reference: string) =>
  (await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', reference])).code === 0;

const lockPath = join(tmpdir(), 'ampo-test-image.lock');

/** A lock across processes (vitest runs test files in parallel workers): mkdir is atomic. */
const withLock = async <T>(work: () => Promise<T>): Promise<T> => {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockPath);
      writeFileSync(join(lockPath, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(join(lockPath, 'pid'), 'utf8'));
      } catch {}
      const alive = (() => {
        if (!Number.isInteger(holder) || holder <= 0) return true;
        try {
          process.kill(holder, 0);
          return true;
        } catch {
          return false;
        }
      })();
      if (!alive) rmSync(lockPath, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new AmpoError('timeout', `Waited too long for ${lockPath}; remove it if no image build is running.`);
      else await new Promise((done) => setTimeout(done, 1000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { recursive: true, force: true });
  }
};

const productionDockerfile = fileURLToPath(new URL('../../../adapter-docker/worker-image', import.meta.url));
const hasDebootstrap = async () => (await runCommand('sh', ['-c', 'command -v debootstrap || test -x /usr/sbin/debootstrap'])).code === 0;

/** What this machine can do to get the base image (see `planBaseImage`). */
const planHere = async (reference: string): Promise<BaseImagePlan> =>
  planBaseImage(
    {
      root: process.getuid?.() === 0,
      debian: existsSync('/etc/debian_version'),
      debootstrap: await hasDebootstrap(),
      // Only asked when nothing offline can work: the production Dockerfile's base image must come from somewhere.
      registryAnswers: async () => (await runCommand('timeout', ['120', 'docker', 'pull', '-q', 'node:20-bookworm-slim'])).code === 0,
    },
    reference,
  );

const buildBase = async (reference: string, log: (line: string) => void) => {
  const plan = await planHere(reference);
  if (plan === 'dockerfile') {
    log(`no debootstrap here: docker build ${productionDockerfile}`);
    // The build's own apt-get and npm reach their registries through the host's network.
    await runChecked('docker', ['build', '--network', 'host', '-t', reference, productionDockerfile]);
    return;
  }
  if (plan === 'install-debootstrap') {
    log('apt-get install debootstrap (a Docker engine runs here without it)');
    const install = ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '-qq', '--no-install-recommends', 'debootstrap'];
    if ((await runCommand('apt-get', install)).code !== 0) {
      await runChecked('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update', '-qq']);
      await runChecked('apt-get', install);
    }
  }
  const mirror = findDebianMirror(suite);
  if (!mirror) throw new AmpoError('image-missing', `No Debian ${suite} mirror found in /etc/apt; set AMPO_DEBIAN_MIRROR to one.`);
  const work = mkdtempSync(join(tmpdir(), 'ampo-test-image-'));
  const root = join(work, 'root');
  try {
    log(`debootstrap ${suite} into ${root}`);
    await runChecked('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, suite, root, mirror]);
    await runChecked('chroot', [root, 'sh', '-c', setupScript]);
    log(`docker import ${reference}`);
    const tar = (await import('node:child_process')).spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await runChecked('docker', ['import', ...imageChanges.flatMap((change) => ['--change', change]), '-', reference], {
      input: tar.stdout,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/** Copies the scripted agent (and the agent CLIs) onto the base image as one more layer. */
const addLayer = async (base: string, reference: string, resolved: Resolved, log: (line: string) => void) => {
  const staging = mkdtempSync(join(tmpdir(), 'ampo-test-image-layer-'));
  const bin = join(staging, 'usr', 'local', 'bin');
  mkdirSync(bin, { recursive: true });
  let container: string | undefined;
  try {
    if (resolved.agentDirectory) {
      log(`adding the scripted agent from ${resolved.agentDirectory}`);
      const target = join(staging, 'opt', 'ampo-scripted-agent');
      cpSync(resolved.agentDirectory, target, { recursive: true, filter: (source) => !source.includes('node_modules') });
      chmodSync(join(target, 'bin', 'ampo-scripted-agent.js'), 0o755);
      symlinkSync('/opt/ampo-scripted-agent/bin/ampo-scripted-agent.js', join(bin, 'ampo-scripted-agent'));
    }
    if (resolved.agentClis) {
      log(`npm install ${agentCliPackages.join(' ')}`);
      const prefix = join(staging, 'opt', 'ampo-agents');
      mkdirSync(prefix, { recursive: true });
      writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
      // The CLIs' postinstall scripts put each platform's native binary in place.
      await runChecked('npm', ['install', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--no-save', ...agentCliPackages]);
      for (const name of ['amp', 'claude', 'codex']) {
        const target = realpathSync(join(prefix, 'node_modules', '.bin', name));
        symlinkSync(`/opt/ampo-agents/${relative(prefix, target)}`, join(bin, name));
      }
    }
    container = (await runChecked('docker', ['create', '--network', 'none', base])).trim();
    await runChecked('docker', ['cp', `${staging}/.`, `${container}:/`]);
    await runChecked('docker', ['commit', ...imageChanges.flatMap((change) => ['--change', change]), container, reference]);
  } finally {
    if (container) await runCommand('docker', ['rm', '-f', container]);
    rmSync(staging, { recursive: true, force: true });
  }
};

const inProcess = new Map<string, Promise<string>>();

/**
 * Builds the offline worker image with no registry: debootstrap a minimal Debian with git,
 * ca-certificates and nodejs from the mirror apt already uses, add the non-root `agent` user
 * (uid 1000) and `/workspace`, `docker import` it, then add the scripted agent (and, when asked,
 * the real agent CLIs). Built once per machine: the tag is a content hash of the recipe and the
 * files copied in. The default image is also tagged `ampo-test-worker:latest` (on every call). Needs a running
 * engine (scripts/ensure-docker.sh) and, to debootstrap, root; where debootstrap is missing it is
 * installed on Debian, and elsewhere the production Dockerfile is built when a registry answers.
 * @returns the image reference, `ampo-test-worker:<hash>`
 */
export const buildTestImage = (options: BuildTestImageOptions = {}): Promise<string> => {
  const resolved = resolveOptions(options);
  const reference = referenceOf(resolved);
  const pending = inProcess.get(reference);
  if (pending) return pending;
  const log = options.log ?? (() => {});
  // `latest` names the default image the last caller asked for, built now or long ago: another
  // checkout on the same engine may have moved it to its own recipe in between.
  const tagLatest = async () => {
    if (!resolved.agentClis) await runChecked('docker', ['tag', reference, `${testImageName}:latest`]);
  };
  const run = async () => {
    if (await imageExists(reference)) {
      await tagLatest();
      return reference;
    }
    if ((await runCommand('docker', ['info'])).code !== 0)
      throw new AmpoError('unavailable', 'No Docker engine answers; start one with: bash scripts/ensure-docker.sh');
    return withLock(async () => {
      if (await imageExists(reference)) {
        await tagLatest();
        return reference;
      }
      const base = `${testImageName}-base:${hash(baseRecipe)}`;
      if (!(await imageExists(base))) await buildBase(base, log);
      if (resolved.agentDirectory || resolved.agentClis) await addLayer(base, reference, resolved, log);
      else await runChecked('docker', ['tag', base, reference]);
      await tagLatest();
      log(`built ${reference}`);
      return reference;
    });
  };
  const promise = run();
  inProcess.set(reference, promise);
  promise.catch(() => inProcess.delete(reference));
  return promise;
};

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const agentClis = process.argv.includes('--with-agent-clis') ? true : undefined;
  buildTestImage({ ...(agentClis ? { agentClis } : {}), log: (line) => console.error(`build-test-image: ${line}`) }).then(
    (reference) => console.log(reference),
    (error: unknown) => {
      console.error(`build-test-image: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
