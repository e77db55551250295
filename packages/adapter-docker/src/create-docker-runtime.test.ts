import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { AmpoError, type Execution, type OutputChunk, type Workspace } from '@ampo/core';
import { containersLabelled, prepareDocker } from '@ampo/testkit';
import Docker from 'dockerode';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerRuntime, type DockerRuntime } from './create-docker-runtime.js';
import type { DockerRuntimeSettings } from './docker-runtime-settings.js';

const testRun = randomUUID();
let image: string;
let runtime: DockerRuntime;
let workspace: Workspace;

const makeRuntime = (overrides: Partial<DockerRuntimeSettings> = {}) =>
  createDockerRuntime({
    image,
    network: 'none',
    labels: { 'ampo.test-run': testRun },
    resources: { memoryBytes: 256 * 2 ** 20, cpus: 1, pids: 128 },
    cancelGraceMs: 500,
    ...overrides,
  });

const collect = async (execution: Execution) => {
  const chunks = await lastValueFrom(execution.output$.pipe(toArray()));
  const text = (stream: OutputChunk['stream']) =>
    chunks
      .filter((chunk) => chunk.stream === stream)
      .map((chunk) => chunk.text)
      .join('');
  return { chunks, stdout: text('stdout'), stderr: text('stderr'), exit: await execution.exit };
};

const inspect = (id: string) => JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' }))[0];

beforeAll(async () => {
  image = await prepareDocker();
  runtime = makeRuntime();
  workspace = await runtime.create({ taskId: `adapter-test-${testRun}` });
}, 600_000);

afterAll(async () => {
  if (runtime) await runtime.sweep({ liveTaskIds: [] });
  expect(containersLabelled(`ampo.test-run=${testRun}`)).toEqual([]);
}, 120_000);

describe('createDockerRuntime on a real engine', () => {
  it('delivers 10 MB of output intact and in order', async () => {
    const count = 1_500_000;
    const result = await collect(await workspace.exec(['seq', '1', String(count)]));
    const expected = `${Array.from({ length: count }, (_, index) => index + 1).join('\n')}\n`;
    expect(Buffer.byteLength(result.stdout)).toBeGreaterThan(10 * 2 ** 20);
    expect(result.stdout === expected).toBe(true);
    expect(result.chunks.length).toBeGreaterThan(1);
    expect(result.exit).toEqual({ code: 0 });
  });

  it('feeds 1 MB of stdin to the process', async () => {
    const input = 'ünïcödé line\n'.repeat(70_000);
    const result = await collect(await workspace.exec(['sh', '-c', 'cat | wc -c'], { stdin: input }));
    expect(result.stdout.trim()).toBe(String(Buffer.byteLength(input)));
    const echoed = await collect(await workspace.exec(['cat'], { stdin: input }));
    expect(echoed.stdout === input).toBe(true);
  });

  it('reports the signal that killed a process', async () => {
    expect((await collect(await workspace.exec(['sh', '-c', 'kill -KILL $$']))).exit).toEqual({ code: null, signal: 'SIGKILL' });
    // A process that ignores SIGTERM gets SIGKILL once the grace is over.
    const stubborn = await workspace.exec(['sh', '-c', 'trap "" TERM; echo ready; while true; do sleep 1; done']);
    const output: string[] = [];
    const subscription = stubborn.output$.subscribe((chunk) => output.push(chunk.text));
    await stubborn.cancel();
    expect(await stubborn.exit).toEqual({ code: null, signal: 'SIGKILL' });
    subscription.unsubscribe();
  });

  it('re-attaches to a detached turn from a second runtime instance at the saved offset', async () => {
    const gate = `/tmp/gate-${randomUUID()}`;
    const script = 'seq 1 1000; while [ ! -e "$1" ]; do sleep 0.1; done; seq 1001 3000; echo "oops" >&2';
    const turn = await workspace.exec(['sh', '-c', script, 'sh', gate], { detached: true });
    const first: OutputChunk[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = turn.output$.subscribe({
        next(chunk) {
          first.push(chunk);
          if (
            first
              .map((each) => each.text)
              .join('')
              .endsWith('\n1000\n')
          ) {
            queueMicrotask(() => subscription.unsubscribe());
            resolve();
          }
        },
        error: reject,
      });
    });
    const savedOffset = first.at(-1)?.offset as number;
    const firstPart = `${Array.from({ length: 1000 }, (_, index) => index + 1).join('\n')}\n`;
    expect(savedOffset).toBe(Buffer.byteLength(firstPart));

    // As after an orchestrator restart: a new client, a new runtime, only ids kept.
    const restarted = makeRuntime({ docker: new Docker() });
    const again = (await restarted.get(workspace.id)) as Workspace;
    const attached = await again.attach(turn.id, savedOffset);
    await collect(await workspace.exec(['sh', '-c', ': > "$1"', 'sh', gate]));
    const rest = await collect(attached);
    const secondPart = `${Array.from({ length: 2000 }, (_, index) => index + 1001).join('\n')}\noops\n`;
    expect(rest.stdout).toBe(secondPart);
    expect(rest.chunks.at(-1)?.offset).toBe(Buffer.byteLength(firstPart + secondPart));
    expect(rest.exit).toEqual({ code: 0 });
  });

  it('feeds stdin to a detached turn and accepts any caller-chosen id', async () => {
    const chosen = `turn 1/ü ${randomUUID()}`;
    const turn = await workspace.exec(['sh', '-c', 'cat; echo "cwd=$(pwd)"'], {
      detached: true,
      executionId: chosen,
      stdin: 'prompt text\n',
      cwd: '/tmp',
    });
    expect(turn.id).toBe(chosen);
    const result = await collect(turn);
    expect(result.stdout).toBe('prompt text\ncwd=/tmp\n');
    expect(result.exit).toEqual({ code: 0 });
    const replay = await collect(await workspace.attach(chosen, Buffer.byteLength('prompt text\n')));
    expect(replay.stdout).toBe('cwd=/tmp\n');
    await expect(workspace.exec(['true'], { detached: true, executionId: chosen })).rejects.toMatchObject({ code: 'conflict' });
    await expect(workspace.exec(['ampo-missing-binary'], { detached: true })).rejects.toMatchObject({ code: 'runtime-error' });
    await expect(workspace.exec(['true'], { detached: true, cwd: '/no/such/directory' })).rejects.toMatchObject({ code: 'runtime-error' });
  });

  it('reports a detached turn cut off by a workspace stop as killed, after the restart', async () => {
    const paused = await runtime.create({ taskId: `interrupted-${testRun}` });
    const turn = await paused.exec(['sh', '-c', 'echo started; sleep 300'], { detached: true });
    const firstChunks: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = turn.output$.subscribe({
        next(chunk) {
          firstChunks.push(chunk.text);
          queueMicrotask(() => subscription.unsubscribe());
          resolve();
        },
        error: reject,
      });
    });
    expect(firstChunks.join('')).toBe('started\n');
    await runtime.stop(paused.id);
    await expect(turn.exit).rejects.toMatchObject({ code: 'runtime-error', retryable: true });
    const again = await paused.attach(turn.id);
    const replay = await collect(again);
    expect(replay.stdout).toBe('started\n');
    expect(replay.exit).toEqual({ code: null, signal: 'SIGKILL' });
    await again.cancel();
    await runtime.remove(paused.id);
  });

  it('ends what earlier execs left running before a command with endOtherProcesses, so none reads its environment', async () => {
    const own = await runtime.create({ taskId: `alone-${testRun}` });
    try {
      // An agent's background job that outlives its turn and records every environment it can read.
      const spy = `i=0; while [ $i -lt 600 ]; do cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep '^PUSH_TOKEN=' >> /tmp/caught; i=$((i+1)); sleep 0.05; done`;
      await collect(await own.exec(['sh', '-c', '(sh -c "$0") </dev/null >/dev/null 2>&1 &', spy]));
      const push = ['sh', '-c', 'sleep 1; echo pushed'];
      const caught = async () => (await collect(await own.exec(['sh', '-c', 'cat /tmp/caught 2>/dev/null; rm -f /tmp/caught']))).stdout;
      // Without it, the job reads the credentials: the case the option exists for.
      await collect(await own.exec(push, { env: { PUSH_TOKEN: 'first-token-value' } }));
      expect(await caught()).toContain('PUSH_TOKEN=first-token-value');

      const alone = await collect(await own.exec(push, { env: { PUSH_TOKEN: 'second-token-value' }, endOtherProcesses: true }));
      expect(alone.stdout).toBe('pushed\n');
      expect(await caught()).toBe('');
      // The init and the keep-alive are untouched: the workspace still runs commands.
      expect((await collect(await own.exec(['true']))).exit.code).toBe(0);
      await expect(own.exec(push, { detached: true, endOtherProcesses: true })).rejects.toMatchObject({ code: 'invalid-input' });
    } finally {
      await runtime.remove(own.id);
    }
  });

  it('creates hardened containers, visible in docker inspect', async () => {
    const info = inspect(workspace.id);
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.Memory).toBe(256 * 2 ** 20);
    expect(info.HostConfig.NanoCpus).toBe(1e9);
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect(info.Config.User).toBe('1000:1000');
    expect(info.Mounts).toEqual([]);
    expect(JSON.stringify(info)).not.toContain('docker.sock');
    expect(info.Config.Labels['ampo.task']).toBe(workspace.taskId);
    expect(info.Config.Labels['ampo.instance']).toBe('default');
    const inside = await collect(await workspace.exec(['sh', '-c', 'id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status']));
    expect(inside.stdout).toBe('1000\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n');
  });

  it('lets settings override the hardening defaults', async () => {
    const relaxed = makeRuntime({
      hardening: { capDrop: ['NET_RAW'], allowNewPrivileges: true },
      user: '0:0',
      resources: { memoryBytes: 128 * 2 ** 20, cpus: 0.5, pids: 64 },
    });
    const other = await relaxed.create({ taskId: `relaxed-${testRun}` });
    const info = inspect(other.id);
    expect(info.HostConfig.CapDrop).toEqual(['NET_RAW']);
    expect(info.HostConfig.SecurityOpt ?? []).not.toContain('no-new-privileges');
    expect(info.HostConfig.Memory).toBe(128 * 2 ** 20);
    expect(info.HostConfig.NanoCpus).toBe(5e8);
    expect(info.Config.User).toBe('0:0');
    await relaxed.remove(other.id);
  });

  it('keeps a secret passed as exec env out of inspect and every command line', async () => {
    const secret = `s3cr3t-${randomUUID()}`;
    const check = await collect(await workspace.exec(['printenv', 'AMPO_TEST_TOKEN'], { env: { AMPO_TEST_TOKEN: secret } }));
    expect(check.stdout).toBe(`${secret}\n`);
    const running = await workspace.exec(['sleep', '300'], { env: { AMPO_TEST_TOKEN: secret } });
    const detached = await workspace.exec(['sleep', '300'], { env: { AMPO_TEST_TOKEN: secret }, detached: true });
    expect(JSON.stringify(inspect(workspace.id))).not.toContain(secret);
    const commandLines = await collect(
      await workspace.exec(['sh', '-c', 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done']),
    );
    expect(commandLines.stdout).toContain('sleep 300');
    expect(commandLines.stdout).not.toContain(secret);
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(secret);
    const files = await collect(await workspace.exec(['grep', '-r', '-l', secret, '/tmp/ampo-exec']));
    expect(files.stdout).toBe('');
    await running.cancel();
    await detached.cancel();
    expect((await running.exit).signal).toBe('SIGTERM');
    expect((await detached.exit).signal).toBe('SIGTERM');
  });

  it('refuses settings that cannot work', () => {
    for (const bad of [{ image: '' }, { resources: { memoryBytes: -1 } }, { resources: { pids: 1.5 } }, { labels: { 'ampo.task': 'x' } }]) {
      expect(() => makeRuntime(bad as Partial<DockerRuntimeSettings>)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    }
  });

  it('maps a missing image to image-missing with how to build it', async () => {
    const error = await makeRuntime({ image: `ampo-no-such-image:${testRun}` })
      .create({ taskId: 'never' })
      .catch((caught: unknown) => caught);
    expect(AmpoError.isInstance(error) && error.code).toBe('image-missing');
    expect((error as Error).message).toContain('build-test-image');
  });

  it('maps an engine that does not answer to unavailable with how to start one', async () => {
    const nowhere = makeRuntime({ docker: new Docker({ socketPath: `/tmp/ampo-no-engine-${testRun}.sock` }) });
    const error = await nowhere.list().catch((caught: unknown) => caught);
    expect(AmpoError.isInstance(error) && error.code).toBe('unavailable');
    expect((error as Error).message).toContain('ensure-docker.sh');
  });

  it('reports out-of-memory naming the limit', async () => {
    const small = makeRuntime({ resources: { memoryBytes: 64 * 2 ** 20, cpus: 1, pids: 64 } });
    const tight = await small.create({ taskId: `oom-${testRun}` });
    const hog = await tight.exec(['node', '-e', 'const kept = []; for (;;) kept.push(Buffer.alloc(1 << 20, 1))']);
    const error = await hog.exit.then(
      (status) => status,
      (caught: unknown) => caught,
    );
    expect(AmpoError.isInstance(error) && error.code).toBe('out-of-memory');
    expect((error as Error).message).toContain('64 MiB');
    await small.remove(tight.id);
  });

  it('starts a stopped workspace again on exec', async () => {
    const paused = await runtime.create({ taskId: `stopped-${testRun}` });
    await runtime.stop(paused.id);
    const result = await collect(await paused.exec(['echo', 'back']));
    expect(result.stdout).toBe('back\n');
    await runtime.remove(paused.id);
  });

  it('sweeps the workspaces of finished tasks only', async () => {
    const scoped = makeRuntime({ labels: { 'ampo.test-run': testRun, 'ampo.sweep-case': testRun } });
    const live = await scoped.create({ taskId: `live-${testRun}` });
    const finished = await scoped.create({ taskId: `finished-${testRun}` });
    expect(await scoped.sweep({ liveTaskIds: [live.taskId] })).toEqual([finished.id]);
    expect((await scoped.list()).map((info) => info.id)).toEqual([live.id]);
    expect(await scoped.sweep({ isLive: (taskId) => taskId !== live.taskId })).toEqual([live.id]);
    expect(await scoped.list()).toEqual([]);
  });
});
