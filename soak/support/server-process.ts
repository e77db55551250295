// The server as a user runs it: the bin from source as a child process, on one data directory
// (and, on PostgreSQL, one database of its own), started again after every kill.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binFromSource, type Running, run, scriptedAgentFlags, start } from '../../packages/server/src/cli/__fixtures__/child-process.js';
import { soakDatabase } from './soak-store.js';

export interface SoakServerSettings {
  image: string;
  instanceId: string;
  /** The bare repositories' directory (`--repo-root`) and the repository offered. */
  repositoryRoot: string;
  repo: string;
  /** Created when absent. */
  dataDirectory?: string;
  /** The server's environment on top of the shell's (agent keys). */
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
}

export interface ServerLife {
  url: string;
  process: Running;
}

export const bin = (...args: string[]) => [...binFromSource, ...args];

/** Starts and restarts one server on one data directory; keeps every life's output for the secret search. */
export const createSoakServer = (settings: SoakServerSettings) => {
  const dataDirectory = settings.dataDirectory ?? join(mkdtempSync(join(tmpdir(), 'ampo-soak-')), 'data');
  const lives: ServerLife[] = [];
  let current: ServerLife | undefined;
  // Created at the first start and kept for every later life.
  let database: { url?: string; env: NodeJS.ProcessEnv } | undefined;

  const startLife = async (): Promise<ServerLife> => {
    database ??= await soakDatabase(settings.instanceId);
    const process = start(
      bin(
        'start',
        '--data-dir',
        dataDirectory,
        '--port',
        '0',
        '--repo-root',
        settings.repositoryRoot,
        '--repo',
        settings.repo,
        '--concurrency',
        String(settings.concurrency ?? 4),
        ...scriptedAgentFlags(settings.image, settings.instanceId),
      ),
      { env: { ...settings.env, ...database.env } },
    );
    const [, url = ''] = await process.line(/^ampo is listening at (\S+)$/);
    current = { url, process };
    lives.push(current);
    return current;
  };

  return {
    dataDirectory,
    lives,
    /** The PostgreSQL database's URL (with its password) once started on one; undefined on SQLite. */
    get databaseUrl() {
      return database?.url;
    },
    get current() {
      if (!current) throw new Error('the server is not running');
      return current;
    },
    start: startLife,
    /** SIGKILL: nothing runs after it, as when the machine loses power under the process. */
    async kill() {
      if (!current) return;
      current.process.child.kill('SIGKILL');
      await current.process.exited;
      current = undefined;
    },
    /** SIGTERM, as a person stops it. */
    async stop() {
      if (!current) return;
      current.process.child.kill('SIGTERM');
      await current.process.exited;
      current = undefined;
    },
    /** A bearer token signed with the data directory's secret (the CLI's `token` command). */
    async token(scope = 'tasks:write'): Promise<string> {
      const result = await run(bin('token', '--data-dir', dataDirectory, '--scope', scope, '--ttl', '7d'), { env: { ...settings.env } });
      if (result.code !== 0) throw new Error(`ampo-server token failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    /** Every line either stream of every life printed. */
    output: () => lives.flatMap((life) => [life.process.lines.join('\n'), life.process.stderr()]),
  };
};

export type SoakServer = ReturnType<typeof createSoakServer>;
