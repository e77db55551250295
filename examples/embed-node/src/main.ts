// ampo embedded in a Node program. Every port is the in-memory one from @ampo/core/testing, so
// this runs anywhere; swap in createDockerRuntime, createSqliteStore, … for the real thing.
import { createOrchestrator } from '@ampo/core';
import {
  createFakeAgent,
  createFakeCiProvider,
  createFakeContainerRuntime,
  createFakeGit,
  createFakeSourceHost,
  createInMemoryTaskStore,
  type FakeTurnScript,
} from '@ampo/core/testing';

const git = createFakeGit();
git.createRemote('demo://calculator', { 'sum.js': 'export const sum = (a, b) => a - b;\n' });
// The agent fixes one thing per turn; CI is red until both fixes are in.
const agent = createFakeAgent(
  ({ prompt }): FakeTurnScript =>
    prompt.includes('CI failed')
      ? { edits: { 'sum.test.js': 'ok' }, messages: ['Added the missing test'] }
      : { edits: { 'sum.js': 'export const sum = (a, b) => a + b;\n' }, messages: ['Fixed sum'] },
);
const ci = createFakeCiProvider((target) =>
  git.remotes.get(target.repo)?.commits.get(target.sha)?.has('sum.test.js')
    ? { conclusion: 'success' }
    : { conclusion: 'failure', failures: [{ check: 'test', kind: 'test', file: 'sum.test.js', message: 'no test covers sum' }] },
);
const orchestrator = createOrchestrator({
  runtime: createFakeContainerRuntime({ commands: { git: git.command, [agent.binary]: agent.command } }),
  agents: { amp: agent.driver },
  source: createFakeSourceHost({ git }),
  ci,
  store: createInMemoryTaskStore(),
});

orchestrator.events$.subscribe((event) => {
  if (event.type === 'task-status-changed') console.log(`status  ${event.to}${event.reason ? ` (${event.reason})` : ''}`);
  if (event.type === 'agent-output' && event.output.type === 'text') console.log(`agent   ${event.output.text}`);
  if (event.type === 'ci-run-end') console.log(`ci      ${event.conclusion}`);
});
const task = await orchestrator.createTask({ repo: 'demo://calculator', prompt: 'Fix sum and test it' });
const done = await new Promise((resolve) =>
  orchestrator.events$.subscribe(
    (event) => event.type === 'task-status-changed' && ['succeeded', 'failed', 'cancelled'].includes(event.to) && resolve(event.to),
  ),
);
console.log(`task ${task.id} ${done}`);
process.exit(done === 'succeeded' ? 0 : 1);
