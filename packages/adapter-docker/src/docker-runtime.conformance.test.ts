import { randomUUID } from 'node:crypto';
import { describeContainerRuntime } from '@ampo/core/conformance';
import { containersLabelled, prepareDocker } from '@ampo/testkit';
import { beforeAll, expect } from 'vitest';
import { createDockerRuntime } from './create-docker-runtime.js';

const testRun = randomUUID();
let image: string;

beforeAll(async () => {
  image = await prepareDocker();
}, 600_000);

describeContainerRuntime({
  name: 'docker',
  create: () =>
    createDockerRuntime({
      image,
      network: 'none',
      labels: { 'ampo.test-run': testRun },
      resources: { memoryBytes: 512 * 2 ** 20, cpus: 1, pids: 256 },
      cancelGraceMs: 1000,
    }),
  reopen: true,
  afterAll: async (runtime) => {
    await runtime.list().then((left) => Promise.all(left.map((workspace) => runtime.remove(workspace.id))));
    expect(containersLabelled(`ampo.test-run=${testRun}`)).toEqual([]);
  },
});
