import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ensurePostgresScript = fileURLToPath(new URL('../../../../scripts/ensure-postgres.sh', import.meta.url));
const run = promisify(execFile);

export interface StartPostgresOptions {
  /** Server settings (`-c name=value`) on top of the defaults for tests (no fsync). */
  settings?: Readonly<Record<string, string | number>>;
  /** @default 60_000 */
  startTimeoutMs?: number;
}

/** A throwaway PostgreSQL server on 127.0.0.1, its data in a temporary directory. */
export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication, no password). */
  readonly url: string;
  readonly port: number;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser through `psql` in `database` (default `postgres`); returns its output. */
  psql(sql: string, database?: string): Promise<string>;
  /** Stops the server and deletes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** The newest installed major version's bin directory, installing PostgreSQL where it is missing. */
const postgresBin = (): string => {
  const find = () =>
    existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((version) => existsSync(join('/usr/lib/postgresql', version, 'bin', 'postgres')))
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join('/usr/lib/postgresql', version, 'bin'))[0]
      : undefined;
  let bin = find();
  if (!bin) {
    execFileSync('bash', [ensurePostgresScript], { stdio: ['ignore', 'inherit', 'inherit'] });
    bin = find();
  }
  if (!bin) throw new Error('PostgreSQL is not installed and scripts/ensure-postgres.sh could not install it.');
  return bin;
};

/** initdb refuses root, so as root the server runs as the `postgres` user that Debian's package creates. */
const serverUser = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('No `postgres` user to run the test server as (apt-get install postgresql creates it).');
  return { uid: Number(uid), gid: Number(gid) };
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

const running = new Set<ChildProcess>();
const directories = new Set<string>();
// A process that ends without stop() (a crash, an uncaught error) leaves no server or directory behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

let databases = 0;

/**
 * Starts a PostgreSQL server for one test file: `initdb` in a fresh temporary directory (as the
 * `postgres` user when running as root), then `postgres` on 127.0.0.1 and a free port with fsync
 * off. Each case takes a fresh database from {@link TestPostgres.createDatabase}.
 */
export const startPostgres = async (options: StartPostgresOptions = {}): Promise<TestPostgres> => {
  const bin = postgresBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'ampo-postgres-'));
  const data = join(dir, 'data');
  directories.add(dir);
  if (user) chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
  const asServerUser = user ? { uid: user.uid, gid: user.gid, env: { ...process.env, HOME: dir } } : {};
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
      ...asServerUser,
      cwd: dir,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }

  const settings = {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 200,
    shared_buffers: '64MB',
    ...options.settings,
  };
  const start = async (): Promise<{ child: ChildProcess; port: number }> => {
    const port = await freePort();
    const args = ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const child = spawn(join(bin, 'postgres'), args, { ...asServerUser, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    let log = '';
    const ready = await new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`PostgreSQL did not start within the timeout:\n${log}`)),
        options.startTimeoutMs ?? 60_000,
      );
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
        if (log.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ready) {
      // Keep draining its log so the pipe never fills.
      child.stderr?.resume();
      return { child, port };
    }
    running.delete(child);
    // Another process took the port between the probe and the bind: try another one.
    if (/could not bind|Address already in use/.test(log)) return start();
    throw new Error(`PostgreSQL exited at start:\n${log}`);
  };

  let server: { child: ChildProcess; port: number };
  try {
    server = await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { child, port } = server;
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const connection = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'];
  let stopped: Promise<void> | undefined;

  return {
    url: `${base}/postgres`,
    port,
    async createDatabase() {
      databases += 1;
      const name = `ampo_test_${process.pid}_${databases}`;
      await run(join(bin, 'createdb'), [...connection, name]);
      return `${base}/${name}`;
    },
    async psql(sql, database = 'postgres') {
      const { stdout } = await run(join(bin, 'psql'), [...connection, '-d', database, '-v', 'ON_ERROR_STOP=1', '-XAtqc', sql]);
      return stdout;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          running.delete(child);
          rmSync(dir, { recursive: true, force: true });
          directories.delete(dir);
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for them.
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      });
      return stopped;
    },
  };
};
