import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmpoError, type Execution, type OutputChunk } from '@ampo/core';
import { describeContainerRuntime } from '@ampo/core/conformance';
import { containersLabelled, prepareDocker, startTlsDockerd, type TlsDockerd } from '@ampo/testkit';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerRuntime } from './create-docker-runtime.js';
import type { DockerClient } from './docker-client.js';
import { createDockerEngineClient } from './docker-engine-client.js';
import type { DockerRuntimeSettings } from './docker-runtime-settings.js';

// A second dockerd on tcp://127.0.0.1 with --tlsverify and certificates made here. When dockerd
// is missing, beforeAll throws and every case fails: this file never skips.
const testRun = randomUUID();
let engine: TlsDockerd;
let image: string;

beforeAll(async () => {
  image = await prepareDocker();
  engine = await startTlsDockerd();
  await engine.loadImage(image);
}, 600_000);

afterAll(async () => {
  if (!engine) return;
  const left = execFileSync('docker', [...engine.cliArguments, 'ps', '--all', '--quiet', '--filter', `label=ampo.test-run=${testRun}`], {
    encoding: 'utf8',
  }).trim();
  await engine.stop();
  expect(left).toBe('');
  expect(() => process.kill(engine.pid, 0)).toThrow();
  // The machine's own engine still answers and never saw this file's containers.
  expect(containersLabelled(`ampo.test-run=${testRun}`)).toEqual([]);
}, 120_000);

const common = (): Omit<DockerRuntimeSettings, 'engine' | 'docker'> => ({
  image,
  network: 'none',
  labels: { 'ampo.test-run': testRun },
  resources: { memoryBytes: 256 * 2 ** 20, cpus: 1, pids: 128 },
  cancelGraceMs: 1000,
});

const clientFile = (name: string) => join(engine.certificates.clientDirectory, name);

let creates = 0;
describeContainerRuntime({
  name: 'docker over TCP with TLS',
  // The first runtime gets explicit settings; the re-opened ones read the variables Docker's CLI reads.
  create: () =>
    creates++ === 0
      ? createDockerRuntime({ ...common(), engine: { host: engine.host, tls: { certPath: engine.certificates.clientDirectory } } })
      : createDockerRuntime({
          ...common(),
          docker: createDockerEngineClient(
            {},
            { DOCKER_HOST: engine.host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: engine.certificates.clientDirectory },
          ).docker as unknown as DockerClient,
        }),
  reopen: true,
  afterAll: async (runtime) => {
    await runtime.list().then((left) => Promise.all(left.map((workspace) => runtime.remove(workspace.id))));
    expect(await runtime.list()).toEqual([]);
  },
});

const collect = async (execution: Execution) => {
  const chunks = await lastValueFrom(execution.output$.pipe(toArray()));
  const text = (stream: OutputChunk['stream']) =>
    chunks
      .filter((chunk) => chunk.stream === stream)
      .map((chunk) => chunk.text)
      .join('');
  return { stdout: text('stdout'), stderr: text('stderr'), exit: await execution.exit };
};

/** The AmpoError a promise rejects with. */
const rejection = async (promise: Promise<unknown>): Promise<AmpoError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!AmpoError.isInstance(error)) throw new Error(`expected an AmpoError, got ${String(error)}`);
  return error;
};

const keyLines = () =>
  readFileSync(clientFile('key.pem'), 'utf8')
    .split('\n')
    .filter((line) => line.length > 20 && !line.startsWith('-----'));

describe('createDockerRuntime against a TLS engine', () => {
  it('writes 1 MB of stdin into a file through a detached turn, then reads it back', async () => {
    const runtime = createDockerRuntime({
      ...common(),
      engine: { host: engine.host, tls: { certPath: engine.certificates.clientDirectory } },
    });
    const workspace = await runtime.create({ taskId: `tls-stdin-${testRun}` });
    try {
      const input = 'ünïcödé über TLS\n'.repeat(60_000);
      const turn = await workspace.exec(['sh', '-c', 'cat > /tmp/written && wc -c < /tmp/written'], { stdin: input, detached: true });
      const result = await collect(turn);
      expect(result.stdout.trim()).toBe(String(Buffer.byteLength(input)));
      expect(result.exit).toEqual({ code: 0 });
      const back = await collect(await workspace.exec(['cat', '/tmp/written']));
      expect(back.stdout === input).toBe(true);
    } finally {
      await runtime.remove(workspace.id);
    }
  });

  it('is refused by the engine without a client certificate, with a clear error', async () => {
    const runtime = createDockerRuntime({ ...common(), engine: { host: engine.host, tls: { ca: readFileSync(clientFile('ca.pem')) } } });
    const error = await rejection(runtime.list());
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain(`The Docker engine at ${engine.host} (TLS) refused this client's TLS certificate`);
    expect(error.message).toContain('cert.pem and key.pem');
  });

  it('fails with a clear error when the CA did not sign the engine certificate, and names no key material', async () => {
    const runtime = createDockerRuntime({
      ...common(),
      engine: { host: engine.host, tls: { certPath: engine.certificates.wrongCaDirectory } },
    });
    const error = await rejection(runtime.create({ taskId: `tls-wrong-ca-${testRun}` }));
    expect(error.code).toBe('unavailable');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`The Docker engine at ${engine.host} (TLS) presented a certificate this client does not trust`);
    for (const line of keyLines()) expect(`${error.message} ${JSON.stringify(error.toJSON())}`).not.toContain(line);
  });

  it('says the engine wants TLS when asked over plain TCP', async () => {
    const runtime = createDockerRuntime({ ...common(), engine: { host: engine.host, tls: false } });
    const error = await rejection(runtime.list());
    expect(error.message).toContain(`The Docker engine at ${engine.host} wants TLS`);
  });
});
