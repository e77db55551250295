// Load: rounds of many tasks at once through the local checks (red, then green), on one server.
// Every task must end right; the server's RSS after the last round must stay within 10% of
// after the first (measured once the server is idle again); the event-loop delay p99 is printed.
import { randomUUID } from 'node:crypto';
import { prepareDocker } from '@ampo/testkit';
import type { SoakSection } from '../../section.js';
import { createApiClient } from '../../support/api-client.js';
import { containersLeft, removeContainers } from '../../support/docker-inspect.js';
import { createSoakRepository } from '../../support/sample-repository.js';
import { createSoakServer } from '../../support/server-process.js';
import { isTerminal, taskOutcomes } from '../../support/task-outcomes.js';
import { eventLoopP99Ms, residentMegabytes } from './server-gauges.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const load: SoakSection = async ({ quick, progress }) => {
  const perRound = quick ? 6 : 50;
  const rounds = quick ? 2 : 3;
  const image = await prepareDocker();
  const instanceId = `soak-load-${randomUUID().slice(0, 8)}`;
  const repository = createSoakRepository();
  const server = createSoakServer({ image, instanceId, repositoryRoot: repository.root, repo: repository.repo, concurrency: perRound });
  const api = createApiClient(await server.token());
  const admin = await server.token('admin');
  const taskIds: string[] = [];
  const rss: number[] = [];
  const loopP99: number[] = [];
  const roundSeconds: number[] = [];
  try {
    await server.start();
    const { url } = server.current;
    const pid = server.current.process.child.pid as number;
    for (let round = 1; round <= rounds; round++) {
      const started = Date.now();
      const ids = await Promise.all(
        Array.from({ length: perRound }, (_, index) =>
          api.createTask(url, 'Let sum take an offset', repository.repo, `${instanceId}-${round}-${index}`),
        ),
      );
      taskIds.push(...ids);
      const deadline = Date.now() + (quick ? 300_000 : 1_800_000);
      for (;;) {
        const statuses = await Promise.all(ids.map(async (id) => (await api.task(url, id)).body.status));
        if (statuses.every(isTerminal)) break;
        if (Date.now() > deadline)
          throw new Error(`round ${round}: ${statuses.filter((status) => !isTerminal(status)).length} tasks did not end`);
        await pause(1_000);
      }
      roundSeconds.push((Date.now() - started) / 1000);
      loopP99.push(await eventLoopP99Ms(url, admin));
      // Idle again: workspaces removed, the heap settled.
      await pause(5_000);
      rss.push(residentMegabytes(pid));
      progress(`round ${round}: ${perRound} tasks in ${roundSeconds.at(-1)?.toFixed(1)} s, RSS ${rss.at(-1)?.toFixed(1)} MB`);
    }
    const outcomes = await taskOutcomes(api, url, taskIds);
    for (const problem of outcomes.problems) progress(`task ${problem}`);
    await server.stop();
    const orphaned = (await containersLeft(instanceId)).length;
    const first = rss[0] ?? 0;
    const last = rss.at(-1) ?? 0;
    const growth = first > 0 ? ((last - first) / first) * 100 : 0;
    // Two short rounds are too few to tell a leak from the heap finding its size: only the full form judges.
    if (!quick && growth > 10)
      throw new Error(`RSS grew ${growth.toFixed(1)}% from the first round to the last (${first.toFixed(1)} → ${last.toFixed(1)} MB)`);
    return {
      'soak.load.rounds': rounds,
      'soak.load.tasks_per_round': perRound,
      'soak.load.round_seconds.max': Math.max(...roundSeconds),
      'soak.load.rss_after_first_round.mb': first,
      'soak.load.rss_after_last_round.mb': last,
      'soak.load.rss_growth.percent': growth,
      'soak.load.event_loop_delay.p99.ms.max': Math.max(...loopP99),
      'soak.tasks.total': taskIds.length,
      'soak.tasks.lost': outcomes.lost,
      'soak.tasks.wrong': outcomes.wrong,
      'soak.containers.orphaned': orphaned,
      'soak.responses.5xx': api.serverErrors(),
    };
  } catch (error) {
    await server.kill();
    removeContainers(instanceId);
    throw error;
  }
};
