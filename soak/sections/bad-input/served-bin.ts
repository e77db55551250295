// The server as a user starts it: the bin from source in a child process, on a fresh data directory.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  binFromSource,
  type Running,
  run,
  scriptedAgentFlags,
  start,
} from '../../../packages/server/src/cli/__fixtures__/child-process.js';
import { soakDatabase } from '../../support/soak-store.js';

export interface ServedBin {
  url: string;
  dataDir: string;
  instanceId: string;
  process: Running;
  /** A token from `ampo-server token` with these scopes. */
  token(...scopes: string[]): Promise<string>;
  /** SIGTERM, then SIGKILL if it does not stop within 20 s; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `ampo-server start` on port 0 with the scripted agent in `image`; `args` adds flags
 * (`--repo-root`, `--repo`), `env` adds variables (a GitHub App). Resolves once it listens.
 */
export const startServedBin = async (options: { image: string; name: string; args?: string[]; env?: NodeJS.ProcessEnv }) => {
  const dataDir = join(mkdtempSync(join(tmpdir(), `ampo-soak-${options.name}-`)), 'data');
  const instanceId = `soak-${options.name}-${randomUUID().slice(0, 8)}`;
  const database = await soakDatabase(instanceId);
  const child = start(
    [
      ...binFromSource,
      'start',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      ...scriptedAgentFlags(options.image, instanceId),
      ...(options.args ?? []),
    ],
    { env: { AMP_API_KEY: `soak-amp-key-${randomUUID()}`, ...options.env, ...database.env } },
  );
  const [, url = ''] = await child.line(/^ampo is listening at (\S+)$/);
  const served: ServedBin = {
    url,
    dataDir,
    instanceId,
    process: child,
    async token(...scopes) {
      const result = await run([...binFromSource, 'token', '--data-dir', dataDir, ...scopes.flatMap((scope) => ['--scope', scope])]);
      if (result.code !== 0) throw new Error(`ampo-server token failed: ${result.stderr}`);
      return result.stdout.trim();
    },
    async stop() {
      if (child.child.exitCode !== null) return child.child.exitCode;
      child.child.kill('SIGTERM');
      const killer = setTimeout(() => child.child.kill('SIGKILL'), 20_000);
      const { code } = await child.exited;
      clearTimeout(killer);
      return code;
    },
  };
  return served;
};
