import { AmpoError, type OutputChunk } from '@ampo/core';
import type { DockerContainer } from './docker-client.js';
import { toAmpoError } from './docker-errors.js';
import { type DockerFrame, readDockerFrames } from './docker-frames.js';
import { completeUtf8Length } from './utf8-boundary.js';

export interface StartedExec {
  /** The process's output after the `ampo-exec:ok` line. Read it to the end before `exitCode`. */
  frames: AsyncIterable<DockerFrame>;
  /** The exec's exit code once the process ended (null when Docker does not know it). */
  exitCode(): Promise<number | null>;
  /** Drops the connection; the process in the container is not affected. */
  close(): void;
}

export interface ExecRequest {
  cmd: string[];
  env?: Record<string, string>;
  stdin?: string;
}

/** The container an exec runs in, and its engine's address for error messages. */
export interface ExecTarget {
  container: DockerContainer;
  /** @default DOCKER_HOST in messages */
  engine?: string | undefined;
}

const toEnvList = (env: Record<string, string> | undefined) => Object.entries(env ?? {}).map(([key, value]) => `${key}=${value}`);

const sentinel = 'ampo-exec:';

/** Starts an exec and returns its raw frames; `stdin`, when given, is written and then closed. */
export const startExec = async ({ container, engine }: ExecTarget, request: ExecRequest) => {
  const exec = await container
    .exec({
      Cmd: request.cmd,
      Env: toEnvList(request.env),
      AttachStdin: request.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    })
    .catch((error: unknown) => {
      throw toAmpoError(error, 'start a process in the workspace', { engine });
    });
  const stream = (await exec.start({ hijack: true, stdin: request.stdin !== undefined }).catch((error: unknown) => {
    throw toAmpoError(error, 'start a process in the workspace', { engine });
  })) as NodeJS.ReadWriteStream & { destroy?: () => void };
  // Half-closing tells Docker the process's stdin has ended.
  if (request.stdin !== undefined) stream.end(request.stdin);
  else stream.end();
  const exitCode = async (): Promise<number | null> => {
    // The stream can end a moment before Docker records the exit.
    for (let attempt = 0; attempt < 100; attempt++) {
      const info = await exec.inspect().catch((error: unknown) => {
        throw toAmpoError(error, 'read the exit code of a process', { engine });
      });
      if (!info.Running) return info.ExitCode ?? null;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** attempt, 200)));
    }
    throw new AmpoError('runtime-error', 'Docker still reports the process as running after its output ended.');
  };
  return { frames: readDockerFrames(stream as AsyncIterable<Buffer>), exitCode, close: () => stream.destroy?.() };
};

/**
 * Starts one of the runtime's scripts (see exec-scripts.ts) and waits for its first stderr line:
 * `ampo-exec:ok` resolves, `ampo-exec:error …` (or output ending without the line) throws.
 * Stdout that raced ahead of the line is kept and delivered first.
 */
export const startScriptExec = async (target: ExecTarget, request: ExecRequest): Promise<StartedExec> => {
  const started = await startExec(target, request);
  const iterator = started.frames[Symbol.asyncIterator]();
  const early: DockerFrame[] = [];
  let stderr = Buffer.alloc(0);
  for (;;) {
    const next = await iterator.next().catch((error: unknown) => {
      throw toAmpoError(error, 'read a process output', { engine: target.engine });
    });
    if (next.done) {
      const said = Buffer.concat([...early.map((frame) => frame.bytes), stderr])
        .toString('utf8')
        .trim();
      throw new AmpoError('runtime-error', `The process could not be started in the workspace: ${said || 'no output'}`);
    }
    if (next.value.stream === 'stdout') {
      early.push(next.value);
      continue;
    }
    stderr = Buffer.concat([stderr, next.value.bytes]);
    const newline = stderr.indexOf(10);
    if (newline === -1) continue;
    const line = stderr.toString('utf8', 0, newline);
    const rest = stderr.subarray(newline + 1);
    if (line === `${sentinel}ok`) {
      async function* frames(): AsyncGenerator<DockerFrame> {
        yield* early;
        if (rest.length > 0) yield { stream: 'stderr', bytes: rest };
        for (;;) {
          const more = await iterator.next();
          if (more.done) return;
          yield more.value;
        }
      }
      return { frames: frames(), exitCode: started.exitCode, close: started.close };
    }
    started.close();
    if (line === `${sentinel}exists`)
      throw new AmpoError(
        'conflict',
        'An execution with this id already exists in the workspace: attach to it instead of starting it again.',
      );
    const reason = line.startsWith(`${sentinel}error `) ? line.slice(`${sentinel}error `.length) : line;
    throw new AmpoError('runtime-error', `The process could not be started in the workspace: ${reason}`);
  }
};

/** Turns frames into text chunks that never split a UTF-8 character; counts byte offsets from `offset` when given. */
export async function* toOutputChunks(
  frames: AsyncIterable<DockerFrame>,
  options: { offset?: number; only?: 'stdout' } = {},
): AsyncGenerator<OutputChunk> {
  const pending: Record<OutputChunk['stream'], Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  let offset = options.offset;
  const chunk = (stream: OutputChunk['stream'], text: string, bytes: number): OutputChunk => {
    if (offset === undefined) return { stream, text };
    offset += bytes;
    return { stream, text, offset };
  };
  for await (const frame of frames) {
    if (options.only && frame.stream !== options.only) continue;
    const bytes = pending[frame.stream].length === 0 ? frame.bytes : Buffer.concat([pending[frame.stream], frame.bytes]);
    const complete = completeUtf8Length(bytes);
    pending[frame.stream] = bytes.subarray(complete);
    if (complete > 0) yield chunk(frame.stream, bytes.toString('utf8', 0, complete), complete);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    if (pending[stream].length > 0) yield chunk(stream, pending[stream].toString('utf8'), pending[stream].length);
  }
}

/** Runs a command to its end and returns its exit code and output (small outputs only). */
export const runToEnd = async (
  target: ExecTarget,
  request: ExecRequest,
): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const started = await startExec(target, request);
  let stdout = '';
  let stderr = '';
  for await (const frame of started.frames) {
    if (frame.stream === 'stdout') stdout += frame.bytes.toString('utf8');
    else stderr += frame.bytes.toString('utf8');
  }
  return { code: await started.exitCode(), stdout, stderr };
};
