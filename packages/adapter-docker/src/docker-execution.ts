import { randomUUID } from 'node:crypto';
import { AmpoError, type ExecOptions, type Execution, type ExitStatus, type OutputChunk } from '@ampo/core';
import { Observable } from 'rxjs';
import { type ExecTarget, runToEnd, startScriptExec, toOutputChunks } from './docker-exec.js';
import {
  attachedScript,
  detachedScript,
  endOtherProcessesScript,
  executionDirectory,
  executionRoot,
  killScript,
  tailScript,
  waitScript,
  writeStdinScript,
} from './exec-scripts.js';
import { toExitStatus } from './exit-status.js';
import { createOutputPump } from './output-pump.js';

export interface ExecutionContext extends ExecTarget {
  /** Bytes of output kept for an execution nobody subscribed to yet. */
  highWaterMark: number;
  /** Tenths of a second between SIGTERM and SIGKILL on cancel. */
  cancelGraceTenths: number;
  /** The memory limit to name when a process dies of it. */
  describeMemoryLimit: () => Promise<string | undefined>;
}

const script = (body: string, ...args: string[]) => ['sh', '-c', body, 'ampo-exec', ...args];

const cancelExecution = async (context: ExecutionContext, executionId: string) => {
  await runToEnd(context, { cmd: script(killScript, executionDirectory(executionId), String(context.cancelGraceTenths)) });
};

/** A process whose output streams straight back over the exec connection. */
export const startAttachedExecution = async (
  context: ExecutionContext,
  id: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<Execution> => {
  if (options.endOtherProcesses) {
    const ended = await runToEnd(context, { cmd: script(endOtherProcessesScript) });
    if (ended.code !== 0)
      throw new AmpoError('runtime-error', `Could not end the workspace's other processes: ${ended.stderr.trim() || `exit ${ended.code}`}`);
  }
  const started = await startScriptExec(context, {
    cmd: script(attachedScript, executionDirectory(id), options.cwd ?? '', ...argv),
    ...(options.env ? { env: options.env } : {}),
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
  });
  const pump = createOutputPump(toOutputChunks(started.frames), { highWaterMark: context.highWaterMark, onUnsubscribe: 'drain' });
  let ended = false;
  let cancelled = false;
  const exit = pump.done.then(async (): Promise<ExitStatus> => {
    const status = toExitStatus(await started.exitCode());
    ended = true;
    if (status.signal === 'SIGKILL' && !cancelled) {
      // Docker marks the container when the kernel killed anything in it for memory.
      const limit = await context.describeMemoryLimit();
      if (limit !== undefined)
        throw new AmpoError(
          'out-of-memory',
          `\`${argv[0]}\` was killed for using more than the workspace's memory limit of ${limit}; raise resources.memoryBytes.`,
          { details: { limit } },
        );
    }
    return status;
  });
  exit.catch(() => {});
  return {
    id,
    output$: pump.output$,
    exit,
    async cancel() {
      if (ended) return;
      cancelled = true;
      await cancelExecution(context, id);
    },
  };
};

/** Starts a process that outlives this connection (and this orchestrator), its output in a file. */
export const startDetachedExecution = async (
  context: ExecutionContext,
  id: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<Execution> => {
  const directory = executionDirectory(id);
  let stdinFile = '';
  if (options.stdin !== undefined) {
    stdinFile = `${executionRoot}/.stdin-${randomUUID()}`;
    const writer = await startScriptExec(context, { cmd: script(writeStdinScript, stdinFile), stdin: options.stdin });
    for await (const _ of writer.frames);
  }
  const launcher = await startScriptExec(context, {
    cmd: script(detachedScript, directory, options.cwd ?? '', stdinFile, ...argv),
    ...(options.env ? { env: options.env } : {}),
  });
  for await (const _ of launcher.frames);
  return attachDetachedExecution(context, id, 0);
};

/** Follows a detached process from `fromOffset` bytes into its output file. */
export const attachDetachedExecution = async (context: ExecutionContext, id: string, fromOffset: number): Promise<Execution> => {
  if (id.length === 0) throw new AmpoError('invalid-input', 'attach needs an execution id.');
  if (!Number.isSafeInteger(fromOffset) || fromOffset < 0)
    throw new AmpoError('invalid-input', `The offset must be a whole number of bytes, not ${fromOffset}.`);
  const directory = executionDirectory(id);
  // The waiter both proves the execution exists (it throws otherwise) and reports its exit.
  const waiter = await startScriptExec(context, { cmd: script(waitScript, directory) });
  const exit = (async (): Promise<ExitStatus> => {
    let text = '';
    for await (const frame of waiter.frames) if (frame.stream === 'stdout') text += frame.bytes.toString('utf8');
    const code = Number.parseInt(text.trim(), 10);
    if (Number.isNaN(code)) {
      // The waiter ended without a status: the workspace stopped or the connection dropped.
      throw new AmpoError(
        'runtime-error',
        `Lost sight of execution ${id} (the workspace stopped or the connection to the engine dropped); attach to it again.`,
        { retryable: true },
      );
    }
    return toExitStatus(code);
  })();
  exit.catch(() => {});
  let close: (() => void) | undefined;
  async function* follow(): AsyncGenerator<OutputChunk> {
    const tail = await startScriptExec(context, { cmd: script(tailScript, directory, String(fromOffset)) });
    close = tail.close;
    // stderr and stdout share the output file, so everything arrives as stdout.
    yield* toOutputChunks(tail.frames, { offset: fromOffset, only: 'stdout' });
  }
  const output$ = new Observable<OutputChunk>((subscriber) => {
    const pump = createOutputPump(follow(), { highWaterMark: context.highWaterMark, onUnsubscribe: 'stop' });
    const subscription = pump.output$.subscribe(subscriber);
    return () => {
      subscription.unsubscribe();
      close?.();
    };
  });
  let subscribed = false;
  return {
    id,
    output$: new Observable<OutputChunk>((subscriber) => {
      if (subscribed) {
        subscriber.error(new Error('output$ is single-use: subscribe once.'));
        return;
      }
      subscribed = true;
      return output$.subscribe(subscriber);
    }),
    exit,
    async cancel() {
      await cancelExecution(context, id);
    },
  };
};
