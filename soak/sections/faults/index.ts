// Faults: GitHub answering 5xx and secondary rate limits on a fifth of its requests while webhooks
// go missing; a check that floods its output; an agent that prints nothing; agents that print
// broken stream-JSON. Every task ends right, in bounded time and memory, with a clear reason.
import { prepareDocker } from '@ampo/testkit';
import type { SoakFigures, SoakSection } from '../../section.js';
import { runGitHubFaults } from './github-faults.js';
import { runLocalFaults } from './local-faults.js';

const totals = new Set([
  'soak.tasks.total',
  'soak.tasks.lost',
  'soak.tasks.wrong',
  'soak.pushes.duplicate',
  'soak.pull_requests.duplicate',
  'soak.containers.orphaned',
  'soak.responses.5xx',
]);

/** One set of figures from several runs: the totals added up, the rest side by side. */
const merge = (...parts: SoakFigures[]): SoakFigures => {
  const merged: SoakFigures = {};
  for (const part of parts)
    for (const [name, value] of Object.entries(part)) merged[name] = totals.has(name) ? (merged[name] ?? 0) + value : value;
  return merged;
};

export const faults: SoakSection = async ({ quick, progress }) => {
  const image = await prepareDocker();
  const local = await runLocalFaults({
    image,
    // 1 GB takes minutes through a check container on a small machine: the short form floods less, and says so.
    bigOutputBytes: quick ? 128 * 1024 * 1024 : 1024 * 1024 * 1024,
    hugeLineBytes: quick ? 16 * 1024 * 1024 : 256 * 1024 * 1024,
    agentTimeoutMs: quick ? 8_000 : 30_000,
    taskTimeoutMs: quick ? 150_000 : 900_000,
    progress,
  });
  const github = await runGitHubFaults({
    image,
    tasks: quick ? 3 : 20,
    faultRate: 0.2,
    webhookDropRate: 0.3,
    pollIntervalSeconds: 5,
    taskTimeoutMs: quick ? 180_000 : 900_000,
    seed: 14,
    progress,
  });
  return merge(local, github);
};
