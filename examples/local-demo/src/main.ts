// The local demo: ampo end to end on this machine, no GitHub. It starts a Docker engine and
// builds the worker image if they are missing, creates a demo repository whose first change fails
// a test and a lint check, runs one task, and prints what happens as it happens.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrchestratorEvent } from '@ampo/core';
import { buildTestImage, createBareRepository, sampleProject, sampleScenario } from '@ampo/testkit';
import { createLocalStack } from './local-stack.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const say = (label: string, text: string) => console.log(`${label.padEnd(8)} ${text}`);

say('setup', 'checking the Docker engine');
execFileSync('bash', [join(repositoryRoot, 'scripts/ensure-docker.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
const realAmp = Boolean(process.env.AMP_API_KEY);
if (!process.env.AMPO_IMAGE) say('setup', 'building the worker image if missing (once per machine)');
const image = process.env.AMPO_IMAGE ?? (await buildTestImage());

const dataDirectory = resolve(process.env.AMPO_DATA_DIR ?? join(repositoryRoot, '.ampo'));
mkdirSync(dataDirectory, { recursive: true });
const repository = createBareRepository({ ...sampleProject, '.ampo/scripted-agent.json': `${JSON.stringify(sampleScenario, null, 2)}\n` });
say('setup', `demo repository ${repository.bare} (a sum function, a test, a lint check)`);
say(
  'setup',
  realAmp
    ? 'agent: Amp (AMP_API_KEY is set)'
    : 'agent: the scripted agent (a stand-in that replays a script; set AMP_API_KEY for real Amp)',
);

const stack = await createLocalStack({
  image,
  databaseFile: join(dataDirectory, 'ampo.db'),
  reviewsFile: join(dataDirectory, 'reviews.json'),
  agentBinary: realAmp ? 'amp' : 'ampo-scripted-agent',
  ...(process.env.AMP_API_KEY ? { ampApiKey: process.env.AMP_API_KEY } : {}),
  instanceId: 'local-demo',
  labels: { 'ampo.demo': mkdtempSync(join(tmpdir(), 'ampo-demo-')).slice(-6) },
});

const reported = new Set<string>();
const print = (event: OrchestratorEvent) => {
  switch (event.type) {
    case 'task-status-changed':
      return say('status', `${event.to}${event.reason ? `: ${event.reason}` : ''}`);
    case 'agent-turn-started':
      if (event.reason === 'ci-feedback') {
        say('digest', 'sent to the agent:');
        for (const line of event.prompt.split('\n')) console.log(`         | ${line}`);
      }
      return say('agent', `turn ${event.turn} (${event.reason})`);
    case 'agent-output':
      if (event.output.type === 'text') return say('agent', event.output.text);
      if (event.output.type === 'tool-use')
        return say('agent', `uses ${event.output.tool}${event.output.input ? ` ${event.output.input.slice(0, 80)}` : ''}`);
      return;
    case 'ci-run-started':
      return say('ci', `attempt ${event.attempt} on ${event.sha.slice(0, 7)}`);
    case 'ci-status-changed':
      for (const check of event.checks) {
        const key = `${event.sha}/${check.name}`;
        if (check.state !== 'completed' || reported.has(key)) continue;
        reported.add(key);
        say('check', `${check.name}: ${check.conclusion} (${Math.round((check.durationMs ?? 0) / 100) / 10} s)`);
      }
      return;
    case 'ci-run-end':
      return say('ci', `${event.conclusion}${event.failures.length ? `, ${event.failures.length} failure(s)` : ''}`);
    case 'branch-pushed':
      return event.changed ? say('git', `pushed ${event.branch} at ${event.sha.slice(0, 7)}`) : undefined;
    case 'pull-request-opened':
      return say('review', `review request #${event.pullRequest.number} opened`);
    default:
      return;
  }
};

const task = await stack.orchestrator.createTask({
  repo: repository.bare,
  prompt: 'Let sum take an offset, keeping the tests and the lint check green.',
  maxCiAttempts: 3,
});
say('task', `${task.id} on branch ${task.branch}`);
const finished = await new Promise<OrchestratorEvent>((done) => {
  stack.orchestrator.taskEvents$(task.id).subscribe((event) => {
    print(event);
    if (event.type === 'task-status-changed' && ['succeeded', 'failed', 'cancelled'].includes(event.to)) done(event);
  });
});
const final = await stack.store.getTask(task.id);
say('result', `branch ${final?.branch} at ${final?.headSha ?? 'nothing pushed'}, ${final?.attempts.length ?? 0} CI attempt(s)`);
await new Promise((resolve) => setTimeout(resolve, 1000)); // let the workspace removal finish
await stack.close();
const succeeded = finished.type === 'task-status-changed' && finished.to === 'succeeded';
say('done', succeeded ? 'succeeded' : 'the task did not succeed');
process.exit(succeeded ? 0 : 1);
