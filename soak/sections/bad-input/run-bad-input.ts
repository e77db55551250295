// The "bad input" part of the soak: generated requests for every operation of the OpenAPI document,
// repos aimed outside the allowed roots, malformed live-socket traffic, then a normal task and a
// health check on the same server. Zero 5xx, every 4xx with a reason, the server healthy after.
import { createBareRepository, prepareDocker, sampleProject } from '@ampo/testkit';
import fc from 'fast-check';
import type { SoakSection } from '../../section.js';
import { abuseLiveSocket, createSocketTally, scenarios } from './live-socket-abuse.js';
import { oneTurnScenario, runNormalTask } from './normal-task.js';
import { fetchOperations } from './openapi-operations.js';
import { createPacedClient } from './paced-client.js';
import { tryEscapes } from './repository-escapes.js';
import { overLimit, requestsFor } from './request-arbitraries.js';
import { createTally, record } from './response-tally.js';
import { startServedBin } from './served-bin.js';

const batchSize = 100;
const otherMethods = ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND'];

export const runBadInput: SoakSection = async ({ quick, progress }) => {
  const perRoute = quick ? 100 : 10_000;
  const seed = Number(process.env.SOAK_SEED ?? Date.now() % 2 ** 31);
  progress(`seed ${seed} (SOAK_SEED=${seed} repeats this run's requests)`);
  const image = await prepareDocker();
  const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(oneTurnScenario)}\n` });
  const server = await startServedBin({ image, name: 'bad-input', args: ['--repo-root', repository.root, '--repo', 'app.git'] });
  const client = createPacedClient(server.url, quick ? { addresses: 4, concurrency: 8 } : { addresses: 12, concurrency: 16 });
  try {
    const token = await server.token('admin');
    const credential = { authorization: `Bearer ${token}` };
    const operations = await fetchOperations(server.url);
    const tally = createTally();

    for (const [index, operation] of operations.entries()) {
      const started = Date.now();
      const before = tally.requests;
      for (let batch = 0; batch * batchSize < perRoute; batch++) {
        const requests = fc.sample(requestsFor(operation, credential, { huge: true }), {
          numRuns: batchSize,
          seed: seed + index * 100_000 + batch,
        });
        await Promise.all(
          requests.map(async (request) =>
            record(tally, request, await client.send(request).catch((error: Error) => error), { bodyOverLimit: overLimit(request) }),
          ),
        );
      }
      progress(
        `${operation.method} ${operation.path}: ${tally.requests - before} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    // Methods no route has, on every path.
    for (const operation of operations) {
      for (const method of otherMethods) {
        const request = { method, path: operation.path.replace(/\{[^}]+\}/g, 'x'), headers: credential };
        record(tally, request, await client.send(request).catch((error: Error) => error));
      }
    }
    progress(`HTTP: ${tally.requests} requests, by status ${JSON.stringify(tally.byStatus)}`);

    const countTasks = async () => {
      let total = 0;
      let cursor: string | undefined;
      do {
        const page = (await (
          await fetch(`${server.url}/api/tasks?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: credential })
        ).json()) as { tasks: unknown[]; nextCursor?: string };
        total += page.tasks.length;
        cursor = page.nextCursor;
      } while (cursor);
      return total;
    };
    const escapes = await tryEscapes({ client, token, root: repository.root, instanceId: server.instanceId, tasksBefore: countTasks });
    progress(`repository escapes: ${escapes.attempts} tried, ${escapes.escaped} got through`);

    const sockets = createSocketTally();
    const maxMessageBytes = 64 * 1024;
    await abuseLiveSocket(server.url, token, scenarios({ sampleSize: quick ? 60 : 1_500, seed, maxMessageBytes }), sockets);
    progress(`live socket: ${sockets.connections} connections, close codes ${JSON.stringify(sockets.closeCodes)}`);

    // A normal task still works, and bad cursors on it are answered while it runs.
    let liveDuringTask: Promise<void> | undefined;
    const normal = await runNormalTask(server.url, token, 'app.git', (id) => {
      liveDuringTask = abuseLiveSocket(
        server.url,
        token,
        scenarios({ sampleSize: 0, seed, maxMessageBytes, realTaskId: id }).slice(-1),
        sockets,
      );
    });
    await liveDuringTask;
    const health = await fetch(`${server.url}/api/health`);
    progress(`normal task after the abuse: ${normal.status}; /api/health ${health.status}`);

    const figures = {
      'soak.tasks.total': 1,
      'soak.responses.5xx': tally.serverErrors + escapes.serverErrors + sockets.serverFaults,
      'soak.bad_input.operations': operations.length,
      'soak.bad_input.requests': tally.requests,
      'soak.bad_input.status_2xx': Object.entries(tally.byStatus).reduce(
        (sum, [status, count]) => sum + (/^2/.test(status) ? count : 0),
        0,
      ),
      'soak.bad_input.status_4xx': Object.entries(tally.byStatus).reduce(
        (sum, [status, count]) => sum + (/^4/.test(status) ? count : 0),
        0,
      ),
      'soak.bad_input.rate_limited': tally.rateLimited,
      'soak.bad_input.reset_over_body_limit': tally.byStatus.reset ?? 0,
      'soak.bad_input.rejected_without_reason': tally.rejectedWithoutReason,
      'soak.bad_input.unanswered': tally.unanswered,
      'soak.bad_input.keepalive_retries': client.retries,
      'soak.bad_input.repo_escapes.attempts': escapes.attempts,
      'soak.bad_input.repo_escapes.escaped': escapes.escaped,
      'soak.bad_input.ws.connections': sockets.connections,
      'soak.bad_input.ws.frames': sockets.framesSent,
      'soak.bad_input.ws.errors_answered': sockets.errorsReceived,
      'soak.bad_input.ws.unexpected_closes': sockets.unexpected,
      'soak.bad_input.unhealthy_after': health.status === 200 && normal.status === 'succeeded' ? 0 : 1,
    };
    for (const example of [...tally.examples, ...escapes.examples, ...sockets.examples]) progress(`finding: ${example}`);
    const mustBeZero = [
      'soak.bad_input.rejected_without_reason',
      'soak.bad_input.unanswered',
      'soak.bad_input.repo_escapes.escaped',
      'soak.bad_input.ws.unexpected_closes',
      'soak.bad_input.unhealthy_after',
    ] as const;
    const bad = mustBeZero.filter((name) => figures[name] !== 0);
    if (bad.length > 0) {
      throw new Error(`not zero: ${bad.map((name) => `${name}=${figures[name]}`).join(', ')}; figures ${JSON.stringify(figures)}`);
    }
    return figures;
  } finally {
    client.close();
    const code = await server.stop();
    if (code !== 0) progress(`the server exited with ${code}; its stderr ends: ${server.process.stderr().slice(-2000)}`);
  }
};
