// Crashes: the server SIGKILLed in each phase of a task (provisioning, cloning, agent running,
// pushing, waiting for CI, feedback) and started again on the same data directory. Every task must
// still end right, push nothing twice, open one review request, leave no container behind, and a
// live client that resubscribes with its last seq must see every event exactly once.
import { randomUUID } from 'node:crypto';
import type { OrchestratorEvent } from '@ampo/core';
import { prepareDocker } from '@ampo/testkit';
import type { SoakSection } from '../../section.js';
import { createApiClient } from '../../support/api-client.js';
import { containersLeft, inspectInstance, removeContainers } from '../../support/docker-inspect.js';
import { createLiveFollower, eventGaps } from '../../support/live-follower.js';
import { createSoakRepository, duplicatePushes } from '../../support/sample-repository.js';
import { createSoakServer } from '../../support/server-process.js';
import { duplicateReviewRequests, isTerminal, taskOutcomes } from '../../support/task-outcomes.js';
import { statusInDatabase } from './phase-at-kill.js';

export const crashPhases = ['provisioning', 'cloning', 'agent-running', 'pushing', 'ci-waiting', 'feedback'] as const;
type Phase = (typeof crashPhases)[number];

const statusChange = (event: OrchestratorEvent): event is Extract<OrchestratorEvent, { type: 'task-status-changed' }> =>
  event.type === 'task-status-changed';

export const crashes: SoakSection = async ({ quick, progress }) => {
  const image = await prepareDocker();
  const instanceId = `soak-crash-${randomUUID().slice(0, 8)}`;
  // A pause in each agent turn, so a kill can land in it.
  const repository = createSoakRepository({ agentDelayMs: 1_000 });
  const server = createSoakServer({ image, instanceId, repositoryRoot: repository.root, repo: repository.repo });
  const token = await server.token();
  const api = createApiClient(token);
  const live = createLiveFollower(token);
  const killsPerPhase = quick ? 2 : 20;

  const kills = Object.fromEntries(crashPhases.map((phase) => [phase, 0])) as Record<Phase, number>;
  const landed = Object.fromEntries(crashPhases.map((phase) => [phase, 0])) as Record<Phase, number>;
  const taskIds: string[] = [];
  const restart = async () => {
    await server.start();
    await live.connect(server.current.url);
  };

  try {
    await restart();
    // One task per round, killed once in each phase in turn: a round is six kills.
    for (let round = 0; round < killsPerPhase; round++) {
      const taskId = await api.createTask(
        server.current.url,
        'Let sum take an offset',
        repository.repo,
        `soak-crash-${instanceId}-${round}`,
      );
      taskIds.push(taskId);
      live.follow(taskId);
      let from = 0;
      for (const phase of crashPhases) {
        const event = await live.until(
          taskId,
          (candidate) => statusChange(candidate) && (candidate.to === phase || isTerminal(candidate.to)),
          240_000,
          from,
        );
        from = (live.received.get(taskId) ?? []).indexOf(event) + 1;
        if (statusChange(event) && isTerminal(event.to)) break;
        await server.kill();
        kills[phase] += 1;
        if ((await statusInDatabase(server, taskId)) === phase) landed[phase] += 1;
        await restart();
      }
      await live.until(taskId, (event) => statusChange(event) && isTerminal(event.to), 240_000);
      progress(`round ${round + 1}/${killsPerPhase}: ${Object.values(kills).reduce((a, b) => a + b, 0)} kills so far`);
    }

    const url = server.current.url;
    const outcomes = await taskOutcomes(api, url, taskIds);
    for (const problem of outcomes.problems) progress(`task ${problem}`);
    let gaps = 0;
    let pushes = 0;
    let duplicates = 0;
    for (const taskId of taskIds) {
      const stored = await api.events(url, taskId);
      gaps += eventGaps(live.received.get(taskId) ?? [], stored);
      const created = stored.find((event) => event.type === 'task-created');
      if (created?.type === 'task-created') {
        const counted = duplicatePushes(repository.bare, created.branch);
        pushes += counted.pushes;
        duplicates += counted.duplicates;
      }
    }
    live.close();
    await server.stop();
    const orphaned = (await containersLeft(instanceId)).length;
    for (const { inspect } of inspectInstance(instanceId))
      progress(`left behind: ${inspect.Name} role=${inspect.Config.Labels?.['ampo.role']} running=${inspect.State.Running}`);
    return {
      ...Object.fromEntries(crashPhases.map((phase) => [`soak.crashes.kills.${phase}`, kills[phase]])),
      ...Object.fromEntries(crashPhases.map((phase) => [`soak.crashes.landed.${phase}`, landed[phase]])),
      'soak.crashes.pushes': pushes,
      'soak.tasks.total': taskIds.length,
      'soak.tasks.lost': outcomes.lost,
      'soak.tasks.wrong': outcomes.wrong,
      'soak.pushes.duplicate': duplicates,
      'soak.pull_requests.duplicate': duplicateReviewRequests(server.dataDirectory),
      'soak.containers.orphaned': orphaned,
      'soak.events.gaps': gaps,
      'soak.responses.5xx': api.serverErrors(),
    };
  } finally {
    live.close();
    await server.kill();
    // After a failure mid-run: leave the shared engine as it was (the figures are counted before this).
    removeContainers(instanceId);
  }
};
