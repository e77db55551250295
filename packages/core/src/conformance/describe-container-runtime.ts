import { lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmpoError } from '../errors.js';
import type { ContainerRuntime, Execution, ExitStatus, OutputChunk, Workspace } from '../ports/container-runtime.js';
import { containerRuntimeScripts } from '../testing/container-runtime-scripts.js';

/** The cases of {@link describeContainerRuntime}, by the name a runtime may skip them with. */
export const containerRuntimeCases = [
  'exec-stdout',
  'exec-stderr',
  'exit-code',
  'output-order',
  'utf8-text',
  'workspace-env',
  'exec-env',
  'cwd',
  'stdin',
  'cancel',
  'missing-binary',
  'list-by-labels',
  'get',
  'stop',
  'remove-idempotent',
  'detached-attach',
  'detached-after-exit',
  'detached-execution-id',
  'detached-execution-id-taken',
] as const;

export type ContainerRuntimeCase = (typeof containerRuntimeCases)[number];

export interface DescribeContainerRuntimeOptions {
  /** Shown in the suite's title, e.g. `docker`. */
  name: string;
  /**
   * Makes a runtime. Called once for the suite; called again for the re-attach cases when
   * {@link DescribeContainerRuntimeOptions.reopen} is true.
   */
  create: () => ContainerRuntime | Promise<ContainerRuntime>;
  /**
   * Whether a second `create()` sees the workspaces of the first (same engine), as after an
   * orchestrator restart. When false, the re-attach cases use the first instance.
   * @default false
   */
  reopen?: boolean;
  /** Added to every workspace the suite creates, so the caller can find and sweep them. */
  labels?: Record<string, string>;
  /** Cases this runtime cannot run, each with the reason shown in the report. */
  skip?: Partial<Record<ContainerRuntimeCase, string>>;
  /** Runs after the suite's own clean-up, e.g. to assert nothing was left behind. */
  afterAll?: (runtime: ContainerRuntime) => Promise<void>;
  /**
   * Per-case timeout in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

interface Collected {
  chunks: OutputChunk[];
  stdout: string;
  stderr: string;
  exit: ExitStatus;
}

const collect = async (execution: Execution): Promise<Collected> => {
  const chunks = await lastValueFrom(execution.output$.pipe(toArray()));
  const exit = await execution.exit;
  const text = (stream: OutputChunk['stream']) =>
    chunks
      .filter((chunk) => chunk.stream === stream)
      .map((chunk) => chunk.text)
      .join('');
  return { chunks, stdout: text('stdout'), stderr: text('stderr'), exit };
};

/** Resolves with the chunks seen until `until` holds on the text so far, then unsubscribes. */
const readUntil = (output$: Observable<OutputChunk>, until: (text: string) => boolean): Promise<OutputChunk[]> =>
  new Promise((resolve, reject) => {
    const seen: OutputChunk[] = [];
    let done = false;
    const subscription = output$.subscribe({
      next(chunk) {
        if (done) return;
        seen.push(chunk);
        if (until(seen.map((each) => each.text).join(''))) {
          done = true;
          queueMicrotask(() => subscription.unsubscribe());
          resolve(seen);
        }
      },
      error: reject,
      complete() {
        if (!done) reject(new Error(`output ended before the expected text; got ${JSON.stringify(seen)}`));
      },
    });
  });

const uniqueSuffix = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * The conformance suite of the {@link ContainerRuntime} port. Every runtime adapter runs it
 * against the real thing; a case is skipped only by name, with a reason. The commands it runs
 * exist in a minimal Debian: echo, cat, sh, sleep, printenv, pwd, true, false.
 */
export const describeContainerRuntime = (options: DescribeContainerRuntimeOptions): void => {
  const timeout = options.timeoutMs ?? 30_000;
  const suiteId = uniqueSuffix();
  let runtime: ContainerRuntime;
  let shared: Workspace;
  const created = new Set<string>();

  const createWorkspace = async (
    runtimeToUse: ContainerRuntime,
    extra: { labels?: Record<string, string>; env?: Record<string, string> } = {},
  ) => {
    const workspace = await runtimeToUse.create({
      taskId: `conformance-${uniqueSuffix()}`,
      labels: { ...options.labels, 'ampo.conformance': suiteId, ...extra.labels },
      ...(extra.env ? { env: extra.env } : {}),
    });
    created.add(workspace.id);
    return workspace;
  };

  const test = (name: ContainerRuntimeCase, body: () => Promise<void>) => {
    const reason = options.skip?.[name];
    if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, body);
    else it(name, body, timeout);
  };

  describe(`ContainerRuntime conformance: ${options.name}`, () => {
    beforeAll(async () => {
      runtime = await options.create();
      shared = await createWorkspace(runtime, { env: { AMPO_CONFORMANCE_SPEC: 'from-spec' } });
    }, 120_000);

    afterAll(async () => {
      if (runtime) for (const id of created) await runtime.remove(id);
      if (runtime && options.afterAll) await options.afterAll(runtime);
    }, 120_000);

    test('exec-stdout', async () => {
      const result = await collect(await shared.exec(['echo', 'hello', 'world']));
      expect(result.stdout).toBe('hello world\n');
      expect(result.stderr).toBe('');
      expect(result.exit).toEqual({ code: 0 });
    });

    test('exec-stderr', async () => {
      const result = await collect(await shared.exec(['sh', '-c', containerRuntimeScripts.stdoutAndStderr]));
      expect(result.stdout).toBe('out\n');
      expect(result.stderr).toBe('err\n');
      expect(result.exit.code).toBe(0);
    });

    test('exit-code', async () => {
      expect((await collect(await shared.exec(['false']))).exit).toEqual({ code: 1 });
      expect((await collect(await shared.exec(['true']))).exit).toEqual({ code: 0 });
      expect((await collect(await shared.exec(['sh', '-c', containerRuntimeScripts.exit42]))).exit).toEqual({ code: 42 });
    });

    test('output-order', async () => {
      const expected = Array.from({ length: 20_000 }, (_, index) => `line ${index}\n`).join('');
      const result = await collect(await shared.exec(['cat'], { stdin: expected }));
      expect(result.stdout === expected).toBe(true);
    });

    test('utf8-text', async () => {
      // Many multi-byte characters, so that some straddle the runtime's read boundaries.
      const text = 'héllo wörld ✓ 日本語 🚀 '.repeat(2000);
      const result = await collect(await shared.exec(['cat'], { stdin: text }));
      expect(result.stdout).toBe(text);
      for (const chunk of result.chunks) expect(chunk.text).not.toContain('\uFFFD');
    });

    test('workspace-env', async () => {
      const result = await collect(await shared.exec(['printenv', 'AMPO_CONFORMANCE_SPEC']));
      expect(result.stdout).toBe('from-spec\n');
    });

    test('exec-env', async () => {
      const result = await collect(
        await shared.exec(['printenv', 'AMPO_CONFORMANCE_EXEC'], { env: { AMPO_CONFORMANCE_EXEC: 'only-this-exec' } }),
      );
      expect(result.stdout).toBe('only-this-exec\n');
      const overridden = await collect(
        await shared.exec(['printenv', 'AMPO_CONFORMANCE_SPEC'], { env: { AMPO_CONFORMANCE_SPEC: 'overridden' } }),
      );
      expect(overridden.stdout).toBe('overridden\n');
      // Exec env belongs to one exec: the next one does not see it.
      const next = await collect(await shared.exec(['printenv', 'AMPO_CONFORMANCE_EXEC']));
      expect(next.stdout).toBe('');
      expect(next.exit.code).not.toBe(0);
    });

    test('cwd', async () => {
      const result = await collect(await shared.exec(['pwd'], { cwd: '/tmp' }));
      expect(result.stdout).toBe('/tmp\n');
    });

    test('stdin', async () => {
      const input = 'first line\nsecond line\nno newline at the end';
      const result = await collect(await shared.exec(['cat'], { stdin: input }));
      expect(result.stdout).toBe(input);
      expect(result.exit.code).toBe(0);
      // Without stdin the process reads end-of-file at once rather than hanging.
      const empty = await collect(await shared.exec(['cat']));
      expect(empty.stdout).toBe('');
      expect(empty.exit.code).toBe(0);
    });

    test('cancel', async () => {
      const execution = await shared.exec(['sleep', '300']);
      await execution.cancel();
      const exit = await execution.exit;
      expect(exit.code).toBeNull();
      expect(exit.signal).toMatch(/^SIG[A-Z]+$/);
      await execution.cancel();
      expect(await execution.exit).toEqual(exit);
      await lastValueFrom(execution.output$.pipe(toArray()));
    });

    test('missing-binary', async () => {
      const attempt = shared.exec(['ampo-no-such-binary-anywhere', '--flag']);
      await expect(attempt).rejects.toSatisfy((error: unknown) => AmpoError.isInstance(error));
    });

    test('list-by-labels', async () => {
      const marker = uniqueSuffix();
      const workspace = await createWorkspace(runtime, { labels: { 'ampo.conformance-case': marker } });
      const found = await runtime.list({ 'ampo.conformance-case': marker });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ id: workspace.id, taskId: workspace.taskId, running: true });
      expect(found[0]?.labels['ampo.conformance-case']).toBe(marker);
      expect(await runtime.list({ 'ampo.conformance-case': `${marker}-other` })).toEqual([]);
      const all = await runtime.list({ 'ampo.conformance': suiteId });
      expect(all.map((info) => info.id)).toEqual(expect.arrayContaining([shared.id, workspace.id]));
      await runtime.remove(workspace.id);
      expect(await runtime.list({ 'ampo.conformance-case': marker })).toEqual([]);
    });

    test('get', async () => {
      const again = await runtime.get(shared.id);
      expect(again?.id).toBe(shared.id);
      expect(again?.taskId).toBe(shared.taskId);
      const result = await collect(await (again as Workspace).exec(['echo', 'via get']));
      expect(result.stdout).toBe('via get\n');
      const workspace = await createWorkspace(runtime);
      await runtime.remove(workspace.id);
      expect(await runtime.get(workspace.id)).toBeUndefined();
    });

    test('stop', async () => {
      const marker = uniqueSuffix();
      const workspace = await createWorkspace(runtime, { labels: { 'ampo.conformance-case': marker } });
      await runtime.stop(workspace.id);
      await runtime.stop(workspace.id);
      const found = await runtime.list({ 'ampo.conformance-case': marker });
      expect(found.map((info) => [info.id, info.running])).toEqual([[workspace.id, false]]);
      await runtime.remove(workspace.id);
    });

    test('remove-idempotent', async () => {
      const workspace = await createWorkspace(runtime);
      await runtime.remove(workspace.id);
      await runtime.remove(workspace.id);
      await runtime.remove(`ampo-never-existed-${uniqueSuffix()}`);
      expect(await runtime.get(workspace.id)).toBeUndefined();
    });

    test('detached-attach', async () => {
      const gate = `/tmp/ampo-conformance-gate-${uniqueSuffix()}`;
      // Prints, waits for the gate file, prints again: the test decides when the second part comes.
      const execution = await shared.exec(['sh', '-c', containerRuntimeScripts.waitForGate, 'sh', gate], { detached: true });
      const firstChunks = await readUntil(execution.output$, (text) => text.includes('first part\n'));
      expect(firstChunks.map((chunk) => chunk.text).join('')).toBe('first part\n');
      const offset = firstChunks.at(-1)?.offset;
      expect(offset).toBe(Buffer.byteLength('first part\n'));

      const later = options.reopen ? await options.create() : runtime;
      const workspace = await later.get(shared.id);
      expect(workspace).toBeDefined();
      const attached = await (workspace as Workspace).attach(execution.id, offset);
      expect(attached.id).toBe(execution.id);
      expect((await collect(await shared.exec(['sh', '-c', containerRuntimeScripts.openGate, 'sh', gate]))).exit.code).toBe(0);
      const rest = await collect(attached);
      expect(rest.stdout + rest.stderr).toBe('second part\n');
      expect(rest.chunks.at(-1)?.offset).toBe(Buffer.byteLength('first part\nsecond part\n'));
      expect(rest.exit).toEqual({ code: 7 });
      expect(await execution.exit).toEqual({ code: 7 });
    });

    test('detached-after-exit', async () => {
      const execution = await shared.exec(['echo', 'one\ntwo'], { detached: true });
      expect(await execution.exit).toEqual({ code: 0 });
      const later = options.reopen ? await options.create() : runtime;
      const workspace = (await later.get(shared.id)) as Workspace;
      const whole = await collect(await workspace.attach(execution.id));
      expect(whole.stdout + whole.stderr).toBe('one\ntwo\n');
      const tail = await collect(await workspace.attach(execution.id, Buffer.byteLength('one\n')));
      expect(tail.stdout + tail.stderr).toBe('two\n');
      expect(tail.exit).toEqual({ code: 0 });
      await expect(workspace.attach(`ampo-no-such-execution-${uniqueSuffix()}`)).rejects.toSatisfy((error: unknown) =>
        AmpoError.isInstance(error),
      );
      // Cancelling a detached execution kills it too.
      const sleeper = await shared.exec(['sleep', '300'], { detached: true });
      await sleeper.cancel();
      const exit = await sleeper.exit;
      expect(exit.code).toBeNull();
      expect(exit.signal).toMatch(/^SIG[A-Z]+$/);
    });

    test('detached-execution-id', async () => {
      const chosen = `turn-${uniqueSuffix()}`;
      const execution = await shared.exec(['echo', 'chosen'], { detached: true, executionId: chosen });
      expect(execution.id).toBe(chosen);
      expect(await execution.exit).toEqual({ code: 0 });
      const later = options.reopen ? await options.create() : runtime;
      const workspace = (await later.get(shared.id)) as Workspace;
      const again = await collect(await workspace.attach(chosen));
      expect(again.stdout + again.stderr).toBe('chosen\n');
    });

    test('detached-execution-id-taken', async () => {
      // A start retried after a crash must not run the command a second time.
      const chosen = `turn-${uniqueSuffix()}`;
      const first = await shared.exec(['echo', 'once'], { detached: true, executionId: chosen });
      await first.exit;
      await expect(shared.exec(['echo', 'twice'], { detached: true, executionId: chosen })).rejects.toSatisfy((error: unknown) =>
        AmpoError.isInstance(error),
      );
      const replay = await collect(await shared.attach(chosen));
      expect(replay.stdout + replay.stderr).toBe('once\n');
    });
  });
};

export { containerRuntimeScripts };
