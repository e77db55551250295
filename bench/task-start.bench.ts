// bench:task-start — (1) from createTask to the agent's first output line inside the container,
// against the same steps done by hand (docker run + git clone + the scripted agent), alternating
// in one run; (2) 20 tasks started at once with a concurrency limit of 20: the orchestrator's peak
// RSS and event-loop delay p99. Prints its figures; asserts nothing.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { filter, firstValueFrom } from 'rxjs';
import { ampDriver } from '../packages/core/src/index.js';
import { createEmbeddedStack } from '../packages/server/src/index.js';
import { buildTestImage, createBareRepository, sampleProject, sampleScenario } from '../packages/testkit/src/index.js';

const run = promisify(execFile);
const rounds = Number(process.env.ROUNDS ?? 5);
const burst = Number(process.env.BURST ?? 20);
const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const progress = (message: string) => console.error(`[bench] ${message}`);
progress('engine and image');
execFileSync('bash', [join(repositoryRoot, 'scripts/ensure-docker.sh')], { stdio: 'inherit' });
const image = await buildTestImage();
const directory = mkdtempSync(join(tmpdir(), 'ampo-bench-'));
const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(sampleScenario)}\n` });
const stack = await createEmbeddedStack({
  image,
  dataDirectory: directory,
  agents: { amp: { binary: 'ampo-scripted-agent' } },
  instanceId: 'bench',
  labels: { 'ampo.bench': 'task-start' },
  concurrency: burst,
});
const git = stack.local?.git;
if (!git) throw new Error('the bench needs the local mode');

const ampoStart = async (): Promise<number> => {
  const started = performance.now();
  const firstOutput = firstValueFrom(stack.orchestrator.events$.pipe(filter((event) => event.type === 'agent-output')));
  const task = await stack.orchestrator.createTask({ repo: repository.bare, prompt: 'Let sum take an offset' });
  await firstOutput;
  const elapsed = performance.now() - started;
  await stack.orchestrator.cancelTask(task.id);
  return elapsed;
};

const rawStart = async (): Promise<number> => {
  const started = performance.now();
  // Asynchronous on purpose: the git server answering the clone runs in this very process.
  const container = (await run('docker', ['run', '-d', '--network', 'host', '--init', image, 'sleep', 'infinity'])).stdout.trim();
  const url = git.serve(repository.bare);
  const auth = Object.entries(git.authEnv()).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  await run('docker', ['exec', ...auth, container, 'git', 'clone', '--quiet', '--branch', 'main', '--', url, '/workspace/repo']);
  const { argv } = ampDriver({ binary: 'ampo-scripted-agent' }).buildTurn({ prompt: 'Let sum take an offset', cwd: '/workspace/repo' });
  await new Promise<void>((resolve, reject) => {
    const agent = spawn('docker', ['exec', '-w', '/workspace/repo', container, ...argv]);
    agent.stdout.once('data', () => resolve());
    agent.on('error', reject);
  });
  const elapsed = performance.now() - started;
  await run('docker', ['rm', '-f', container]);
  return elapsed;
};

const ampo: number[] = [];
const raw: number[] = [];
for (let round = 0; round < rounds; round++) {
  progress(`round ${round + 1}: ampo`);
  ampo.push(await ampoStart());
  progress(`round ${round + 1}: by hand`);
  raw.push(await rawStart());
}
console.log(`task.start.ampo.median.ms=${median(ampo).toFixed(0)}`);
console.log(`task.start.raw.median.ms=${median(raw).toFixed(0)}`);
console.log(`task.start.ratio=${(median(ampo) / median(raw)).toFixed(3)}`);

progress(`burst of ${burst} tasks`);
// (2) A burst of tasks, each going red then green through the local checks.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const burstStarted = performance.now();
const tasks = await Promise.all(
  Array.from({ length: burst }, (_, index) =>
    stack.orchestrator.createTask({ repo: repository.bare, prompt: `Let sum take an offset (${index})` }),
  ),
);
const ids = new Set(tasks.map((task) => task.id));
await new Promise<void>((resolve) => {
  const subscription = stack.orchestrator.events$.subscribe((event) => {
    if (event.type === 'task-status-changed' && ['succeeded', 'failed', 'cancelled'].includes(event.to)) ids.delete(event.taskId);
    if (ids.size === 0) {
      subscription.unsubscribe();
      resolve();
    }
  });
});
clearInterval(sampler);
delay.disable();
const outcomes = await Promise.all(tasks.map(async (task) => (await stack.store.getTask(task.id))?.status));
console.log(`task.burst.count=${burst}`);
console.log(`task.burst.succeeded=${outcomes.filter((status) => status === 'succeeded').length}`);
console.log(`task.burst.wall.s=${((performance.now() - burstStarted) / 1000).toFixed(1)}`);
console.log(`task.burst.peak_rss.mb=${(peakRss / 2 ** 20).toFixed(1)}`);
console.log(`task.burst.event_loop_delay.p99.ms=${(delay.percentile(99) / 1e6).toFixed(1)}`);
await new Promise((resolve) => setTimeout(resolve, 3000));
await stack.close();
execFileSync('bash', ['-c', 'docker ps -aq --filter label=ampo.bench=task-start | xargs -r docker rm -f >/dev/null']);
