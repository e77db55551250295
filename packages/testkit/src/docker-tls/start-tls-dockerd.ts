import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerTlsCertificates, generateDockerTlsCertificates } from './generate-tls-certificates.js';

/** A second Docker engine on tcp://127.0.0.1 that only talks TLS with a client certificate. */
export interface TlsDockerd {
  /** `tcp://127.0.0.1:<port>` */
  host: string;
  port: number;
  /** The dockerd process this started; the only one {@link TlsDockerd.stop} signals. */
  pid: number;
  certificates: DockerTlsCertificates;
  /** Arguments that point the `docker` CLI at this engine. */
  cliArguments: string[];
  /** Where dockerd writes its log. */
  logFile: string;
  /** Copies an image from the default engine into this one (`docker save | docker load`). */
  loadImage(image: string): Promise<void>;
  /** Stops this dockerd (SIGTERM, then SIGKILL), unmounts what it left and removes its directory. */
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const logTail = (logFile: string) => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n') : '(no log)');

const ping = (port: number, certificates: DockerTlsCertificates) =>
  new Promise<boolean>((resolve) => {
    const read = (name: string) => readFileSync(join(certificates.clientDirectory, name));
    const pending = request(
      { host: '127.0.0.1', port, path: '/_ping', ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), timeout: 2000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    pending.on('error', () => resolve(false));
    pending.on('timeout', () => pending.destroy());
    pending.end();
  });

const waitForExit = (child: ChildProcess, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const run = (command: string, args: string[], stdio: 'pipe-out' | 'pipe-in', input?: NodeJS.ReadableStream) => {
  const child = spawn(command, args, {
    stdio: [stdio === 'pipe-in' ? 'pipe' : 'ignore', stdio === 'pipe-out' ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  if (input && child.stdin) input.pipe(child.stdin);
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`)),
    );
  });
  return { child, done };
};

/**
 * Starts a second dockerd for tests, isolated from the machine's engine: its own data root, exec
 * root, pid file, unix socket, managed containerd (own namespaces too, in case it finds a shared
 * one) and config file; no bridge, no iptables. Listens on 127.0.0.1 only, with
 * `--tlsverify` and certificates made here. Throws (never skips) when dockerd is missing or not root.
 */
export const startTlsDockerd = async (options: { waitMs?: number } = {}): Promise<TlsDockerd> => {
  const found = spawnSyncQuiet('sh', ['-c', 'command -v dockerd']);
  if (!found) throw new Error('dockerd is not installed: run `bash scripts/ensure-docker.sh` as root (Debian installs docker.io).');
  if (process.getuid?.() !== 0) throw new Error('A second dockerd needs root; run the tests as root (as CI does).');

  // Short, so that the unix sockets under it stay within the 108-byte limit.
  const directory = mkdtempSync(join(tmpdir(), 'ampo-tlsd-'));
  const certificates = generateDockerTlsCertificates(join(directory, 'certs'));
  const port = await freePort();
  const host = `tcp://127.0.0.1:${port}`;
  const logFile = join(directory, 'dockerd.log');
  const configFile = join(directory, 'daemon.json');
  const namespace = `ampo-tls-${randomBytes(4).toString('hex')}`;
  writeFileSync(configFile, '{}\n');
  for (const name of ['data', 'exec']) mkdirSync(join(directory, name));
  const args = [
    `--host=${host}`,
    `--host=unix://${join(directory, 'docker.sock')}`,
    '--tlsverify',
    `--tlscacert=${certificates.caCertificate}`,
    `--tlscert=${certificates.serverCertificate}`,
    `--tlskey=${certificates.serverKey}`,
    `--data-root=${join(directory, 'data')}`,
    `--exec-root=${join(directory, 'exec')}`,
    `--pidfile=${join(directory, 'dockerd.pid')}`,
    `--config-file=${configFile}`,
    `--containerd-namespace=${namespace}`,
    `--containerd-plugins-namespace=${namespace}-plugins`,
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    '--ip-forward=false',
  ];
  const log = openSync(logFile, 'a');
  const child = spawn('dockerd', args, { stdio: ['ignore', log, log] });
  closeSync(log);
  const pid = child.pid as number;

  const stop = async () => {
    if (isAlive(pid)) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitForExit(child, 30_000))) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(child, 10_000);
      }
    }
    // dockerd stops the containerd it started; after a SIGKILL that one is left: stop it by its pid file.
    const containerdPidFile = join(directory, 'exec', 'containerd', 'containerd.pid');
    const containerdPid = existsSync(containerdPidFile) ? Number(readFileSync(containerdPidFile, 'utf8').trim()) : 0;
    if (containerdPid > 0 && isAlive(containerdPid)) process.kill(containerdPid, 'SIGTERM');
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((mountPoint) => mountPoint.startsWith(`${directory}/`))
      .sort((a, b) => b.length - a.length);
    for (const mountPoint of mounts) spawnSyncQuiet('umount', ['-l', mountPoint]);
    rmSync(directory, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = logTail(logFile);
      await stop();
      throw new Error(`The second dockerd exited (${child.exitCode ?? child.signalCode}) before it answered. Its log:\n${tail}`);
    }
    if (await ping(port, certificates)) break;
    if (Date.now() > deadline) {
      const tail = logTail(logFile);
      await stop();
      throw new Error(`The second dockerd did not answer on ${host} within ${options.waitMs ?? 60_000} ms. Its log:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const client = certificates.clientDirectory;
  const cliArguments = [
    `--host=${host}`,
    '--tlsverify',
    `--tlscacert=${join(client, 'ca.pem')}`,
    `--tlscert=${join(client, 'cert.pem')}`,
    `--tlskey=${join(client, 'key.pem')}`,
  ];
  return {
    host,
    port,
    pid,
    certificates,
    cliArguments,
    logFile,
    async loadImage(image: string) {
      const save = run('docker', ['save', image], 'pipe-out');
      const load = run('docker', [...cliArguments, 'load', '--quiet'], 'pipe-in', save.child.stdout ?? undefined);
      await Promise.all([save.done, load.done]);
    },
    stop,
  };
};

const spawnSyncQuiet = (command: string, args: string[]) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
