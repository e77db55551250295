// Runs the bin (or any command) as a child process for the tests and reads its output by line.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { containersLabelled } from '@ampo/testkit';
import { fileURLToPath } from 'node:url';

/** The bin from source: Node with tsx as a loader, so a signal reaches the server and nothing else. */
export const binFromSource = [process.execPath, '--import', 'tsx', fileURLToPath(new URL('../main.ts', import.meta.url))] as const;
export const repositoryRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

export interface Running {
  child: ChildProcess;
  /** stdout so far, by line. */
  lines: string[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first stdout line matching `pattern` (already printed or to come); rejects if the process ends first. */
  line(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** The environment of a shell: without what npm sets for the script that runs the tests (it would steer a nested npm). */
const shellEnvironment = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

export const start = (
  command: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean } = {},
): Running => {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: options.cwd ?? repositoryRoot,
    env: { ...shellEnvironment(), AMPO_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.detached ? { detached: true } : {}),
  });
  const lines: string[] = [];
  let rest = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (data: Buffer) => {
    const parts = (rest + data.toString()).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      if (rest) lines.push(rest);
      ended = true;
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const line = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        for (const text of lines) {
          const match = pattern.exec(text);
          if (match) {
            waiters.delete(check);
            return resolve(match);
          }
        }
        if (ended) {
          waiters.delete(check);
          reject(new Error(`${command.join(' ')} ended without printing ${pattern}.\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { child, lines, stderr: () => stderr, exited, line };
};

/** Runs `command` to its end. */
export const run = async (command: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) => {
  const running = start(command, options);
  const { code } = await running.exited;
  return { code, stdout: running.lines.join('\n'), stderr: running.stderr() };
};

/** A port nothing listens on right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The flags that run tasks in the offline worker image with the scripted agent, under this test's instance id. */
export const scriptedAgentFlags = (image: string, instanceId: string) => [
  '--image',
  image,
  '--agent-binary',
  'ampo-scripted-agent',
  '--instance-id',
  instanceId,
];

/** Containers of the instance still there, once removals under way had a few seconds to finish. */
export const containersLeft = async (instanceId: string): Promise<string[]> => {
  for (let waited = 0; containersLabelled(`ampo.instance=${instanceId}`).length > 0 && waited < 100; waited++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return containersLabelled(`ampo.instance=${instanceId}`);
};
