// npm run bench:runtime — the Docker runtime against the docker CLI on the same engine, alternating
// in one run: (a) workspace create+start+exec `true`+remove vs `docker run --rm IMAGE true`;
// (b) 200 MB of exec output to a consumer vs `docker exec … cat` into /dev/null.
// Prints `key=value` lines; nothing is asserted.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createDockerRuntime } from '@ampo/adapter-docker';
import { buildTestImage } from '@ampo/testkit';

const startRounds = 20;
const throughputRounds = 7;
const outputBytes = 200 * 2 ** 20;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

const run = (command: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });

const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

execFileSync('bash', [new URL('../scripts/ensure-docker.sh', import.meta.url).pathname], { stdio: 'inherit' });
const image = await buildTestImage();
const benchRun = randomUUID();
const runtime = createDockerRuntime({ image, network: 'none', labels: { 'ampo.bench': benchRun } });

try {
  // Warm both paths once so that the first round does not pay for cold caches.
  await run('docker', ['run', '--rm', '--network', 'none', image, 'true']);
  const warm = await runtime.create({ taskId: 'bench-warm' });
  await (await warm.exec(['true'])).exit;
  await runtime.remove(warm.id);

  const ampoStart: number[] = [];
  const rawStart: number[] = [];
  for (let index = 0; index < startRounds; index++) {
    ampoStart.push(
      await timed(async () => {
        const workspace = await runtime.create({ taskId: `bench-${index}` });
        const execution = await workspace.exec(['true']);
        execution.output$.subscribe();
        await execution.exit;
        await runtime.remove(workspace.id);
      }),
    );
    rawStart.push(await timed(() => run('docker', ['run', '--rm', '--network', 'none', '--init', image, 'true'])));
  }

  const workspace = await runtime.create({ taskId: 'bench-throughput' });
  const file = '/tmp/ampo-bench-output';
  await (await workspace.exec(['sh', '-c', `yes 'ampo runtime benchmark: one line of agent output' | head -c ${outputBytes} > ${file}`]))
    .exit;
  const ampoSeconds: number[] = [];
  const rawSeconds: number[] = [];
  for (let index = 0; index < throughputRounds; index++) {
    ampoSeconds.push(
      (await timed(async () => {
        const execution = await workspace.exec(['cat', file]);
        let received = 0;
        await new Promise<void>((resolve, reject) =>
          execution.output$.subscribe({
            next: (chunk) => {
              received += chunk.text.length;
            },
            error: reject,
            complete: resolve,
          }),
        );
        await execution.exit;
        if (received !== outputBytes) throw new Error(`received ${received} of ${outputBytes} bytes`);
      })) / 1000,
    );
    rawSeconds.push((await timed(() => run('docker', ['exec', workspace.id, 'cat', file]))) / 1000);
  }

  const megabytes = outputBytes / 2 ** 20;
  const ampoStartMedian = median(ampoStart);
  const rawStartMedian = median(rawStart);
  const ampoThroughput = megabytes / median(ampoSeconds);
  const rawThroughput = megabytes / median(rawSeconds);
  console.log(`runtime.start.ampo.median.ms=${round(ampoStartMedian, 1)}`);
  console.log(`runtime.start.raw.median.ms=${round(rawStartMedian, 1)}`);
  console.log(`runtime.start.ratio=${round(ampoStartMedian / rawStartMedian)}`);
  console.log(`runtime.exec.throughput.ampo.median.mb_per_s=${round(ampoThroughput, 1)}`);
  console.log(`runtime.exec.throughput.raw.median.mb_per_s=${round(rawThroughput, 1)}`);
  console.log(`runtime.exec.throughput.ratio=${round(ampoThroughput / rawThroughput)}`);
} finally {
  await runtime.sweep({ liveTaskIds: [] });
}
