// bench:server — (1) a log line written in the container → received by a WebSocket client of the
// server: p50/p99 at 1k and 10k lines/s; (2) GET /api/tasks requests per second against a bare
// node:http handler that returns the same JSON from the same store, side by side, as a ratio.
// Prints its figures; asserts nothing.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CreateTask, initialTask, type OrchestratorEvent } from '../packages/core/src/index.js';
import { createTokenService } from '../packages/server/src/auth/tokens.js';
import { createEmbeddedStack, createServer } from '../packages/server/src/index.js';
import { buildTestImage, createBareRepository, sampleProject } from '../packages/testkit/src/index.js';

const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));
const progress = (message: string) => console.error(`[bench] ${message}`);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

// ---- the load generator, run as a child process so it does not share the server's event loop ----
if (process.argv[2] === '--load') {
  const [, , , url = '', token = '', seconds = '5', concurrency = '32'] = process.argv;
  const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
  const target = new URL(url);
  const deadline = Date.now() + Number(seconds) * 1000;
  let done = 0;
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const request = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          agent,
          headers: token ? { authorization: `Bearer ${token}` } : {},
        },
        (response) => {
          response.resume();
          response.on('end', () => {
            if (response.statusCode === 200) done += 1;
            else failed += 1;
            resolve();
          });
        },
      );
      request.on('error', () => {
        failed += 1;
        resolve();
      });
      request.end();
    });
  const worker = async () => {
    while (Date.now() < deadline) await one();
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  console.log(JSON.stringify({ rps: done / ((Date.now() - started) / 1000), failed }));
  process.exit(0);
}

const load = (url: string, token: string, seconds: number): Promise<{ rps: number; failed: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--load', url, token, String(seconds), '32'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}')));
  });

progress('engine and image');
execFileSync('bash', [join(repositoryRoot, 'scripts/ensure-docker.sh')], { stdio: 'inherit' });
const image = await buildTestImage();
const directory = mkdtempSync(join(tmpdir(), 'ampo-bench-server-'));
const stack = await createEmbeddedStack({
  image,
  dataDirectory: directory,
  agents: { amp: { binary: 'ampo-scripted-agent' } },
  instanceId: 'bench-server',
  labels: { 'ampo.bench': 'server' },
  concurrency: 4,
});
const secret = new Uint8Array(randomBytes(32));
const server = createServer({ orchestrator: stack.orchestrator, auth: { secret }, rateLimit: false });
const listening = await server.listen({ port: 0 });
const token = (await createTokenService({ secret }).issue({ subject: 'bench', scopes: ['admin'], use: 'access', ttlSeconds: 3600 })).token;

// ---- (1) log line latency ----
const logLatency = async (perSecond: number, seconds: number, stream: 'stdout' | 'stderr') => {
  const count = perSecond * seconds;
  const scenario = {
    steps: [{ name: 'print', printLines: { count, perSecond, stream }, files: { 'NOTES.md': `${perSecond}\n` }, messages: ['printed'] }],
  };
  const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(scenario)}\n` });
  const task = await stack.orchestrator.createTask({ repo: repository.bare, prompt: `Print ${count} lines` });
  const latencies: number[] = [];
  const socket = new WebSocket(`${listening.url.replace('http', 'ws')}/api/events`, { headers: { authorization: `Bearer ${token}` } });
  await new Promise((resolve) => socket.once('open', resolve));
  let resolveAll: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  // Chunks are cut anywhere: a line may span two of them.
  let partial = '';
  socket.on('message', (data) => {
    const received = Date.now();
    const message = JSON.parse(data.toString()) as { type: string; chunk?: { text: string; stream: string } };
    // A detached turn's output is one merged stream (stderr joins stdout), so any agent stream counts.
    if (message.type !== 'log' || message.chunk?.stream === 'system') return;
    const lines = (partial + (message.chunk?.text ?? '')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^ampo-line (\d+) (\d+)$/.exec(line);
      if (!match) continue;
      latencies.push(received - Number(match[2]));
      if (Number(match[1]) === count) resolveAll();
    }
  });
  socket.send(JSON.stringify({ type: 'subscribe-logs', id: 'logs', taskId: task.id, afterSeq: 0 }));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, 120_000))]);
  loop.disable();
  socket.close();
  await stack.orchestrator.cancelTask(task.id);
  return {
    received: latencies.length,
    count,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
  };
};

// The agent prints to stderr or stdout; both reach ampo as one stream, where every line is also
// parsed into an event that is persisted before it is published.
for (const [rate, seconds, stream] of [
  [1000, 5, 'stderr'],
  [10000, 3, 'stderr'],
  [1000, 5, 'stdout'],
  [10000, 3, 'stdout'],
] as const) {
  progress(`${stream} lines at ${rate}/s for ${seconds} s`);
  const result = await logLatency(rate, seconds, stream);
  const name = `${stream}.${rate / 1000}k`;
  console.log(`server.log_to_websocket.${name}_per_s.received=${result.received}/${result.count}`);
  console.log(`server.log_to_websocket.${name}_per_s.p50.ms=${result.p50.toFixed(1)}`);
  console.log(`server.log_to_websocket.${name}_per_s.p99.ms=${result.p99.toFixed(1)}`);
  console.log(`server.log_to_websocket.${name}_per_s.event_loop_delay.p99.ms=${result.loopP99.toFixed(1)}`);
  console.log(`server.log_to_websocket.${name}_per_s.event_loop_delay.max.ms=${result.loopMax.toFixed(1)}`);
}

// ---- (2) GET /api/tasks against a bare handler on the same store ----
progress('seeding 200 tasks');
for (let index = 0; index < 200; index++) {
  const id = `bench-${String(index).padStart(4, '0')}`;
  const event: OrchestratorEvent = {
    type: 'task-created',
    taskId: id,
    seq: 1,
    at: 1_700_000_000_000 + index,
    request: CreateTask.parse({ repo: '/srv/repos/app.git', prompt: `Task ${index}: make the tests pass`, labels: { bench: 'yes' } }),
    branch: `ampo/${id}`,
  };
  await stack.store.append(id, [event], initialTask(event));
}
const bare = createHttpServer(async (request, response) => {
  if (request.method !== 'GET' || !request.url?.startsWith('/api/tasks')) return response.writeHead(404).end();
  const page = await stack.store.listTasks({ limit: 50 });
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/tasks`;
const ampoRuns: number[] = [];
const bareRuns: number[] = [];
for (let round = 0; round < 3; round++) {
  progress(`GET /api/tasks round ${round + 1}`);
  ampoRuns.push((await load(`${listening.url}/api/tasks?limit=50`, token, 5)).rps);
  bareRuns.push((await load(bareUrl, '', 5)).rps);
}
const median = (values: number[]) => percentile(values, 50);
console.log(`server.list_tasks.ampo.rps=${median(ampoRuns).toFixed(0)}`);
console.log(`server.list_tasks.bare.rps=${median(bareRuns).toFixed(0)}`);
console.log(`server.list_tasks.ratio=${(median(ampoRuns) / median(bareRuns)).toFixed(3)}`);

bare.close();
await listening.close();
await server.close();
await new Promise((resolve) => setTimeout(resolve, 2000));
await stack.close();
process.exit(0);
