// GitHub on a bad day: the server in GitHub mode against the simulator while a fifth of REST
// requests fail (500, 502, 503, secondary rate limits as 403 and 429, some 5xx after the change was
// made) and a share of webhooks is never sent. Every task must still end right, with one pull
// request and no push twice, in bounded time; a lost webhook is caught by the poll.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createGitHubSimulator, type GitHubSimulator, sampleProject, sampleScenario } from '@ampo/testkit';
import { createApiClient, type TaskView } from '../../support/api-client.js';
import { containersLeft, removeContainers } from '../../support/docker-inspect.js';
import { duplicatePushes } from '../../support/sample-repository.js';
import { isTerminal } from '../../support/task-outcomes.js';
import { oneTurnScenario } from '../bad-input/normal-task.js';
import { startServedBin } from '../bad-input/served-bin.js';
import { createRedThenGreenCi } from './github-ci-script.js';

/** Two repositories: the sample's red-then-green loop, and a change that is green at once. */
const repositories = [
  { repo: 'acme/app', scenario: sampleScenario, attempts: 'failure→success' },
  { repo: 'acme/quick', scenario: oneTurnScenario, attempts: 'success' },
] as const;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface GitHubFaultSettings {
  image: string;
  tasks: number;
  faultRate: number;
  webhookDropRate: number;
  pollIntervalSeconds: number;
  /** A task still running after this long counts as lost. */
  taskTimeoutMs: number;
  seed: number;
  progress(message: string): void;
}

export const runGitHubFaults = async (settings: GitHubFaultSettings) => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const webhookSecret = `soak-faults-webhook-${randomUUID()}`;
  let sim: GitHubSimulator | undefined;
  const ci = createRedThenGreenCi(() => sim as GitHubSimulator, 1_500);
  sim = await createGitHubSimulator({
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    webhookSecret,
    ci: ci.script,
  });
  for (const { repo, scenario } of repositories) {
    sim.createRepo(repo, { files: { ...sampleProject, '.ampo/scripted-agent.json': JSON.stringify(scenario) } });
    // Every update of a branch stays in the reflog, so a push made twice shows.
    execFileSync('git', ['--git-dir', sim.repoDir(repo), 'config', 'core.logAllRefUpdates', 'always']);
  }
  const server = await startServedBin({
    image: settings.image,
    name: 'faults-github',
    args: [
      ...repositories.flatMap(({ repo }) => ['--repo', repo]),
      '--github-poll-interval',
      `${settings.pollIntervalSeconds}s`,
      '--concurrency',
      String(Math.min(settings.tasks, 6)),
    ],
    env: {
      GITHUB_APP_ID: String(sim.appId),
      GITHUB_APP_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      GITHUB_WEBHOOK_SECRET: webhookSecret,
      GITHUB_API_URL: sim.url,
    },
  });
  sim.setWebhookUrl(`${server.url}/api/webhooks/github`);
  sim.resetCounts();
  const counts = sim.setRandomFaults({
    rate: settings.faultRate,
    webhookDropRate: settings.webhookDropRate,
    retryAfter: 1,
    lostResponseRate: 0.25,
    seed: settings.seed,
  });
  const api = createApiClient(await server.token('tasks:write'));
  const tasks: Array<{ id: string; repo: string; attempts: string; created: number; seconds?: number }> = [];
  let lost = 0;
  let wrong = 0;
  let orphaned = 0;
  let pullRequestsDuplicate = 0;
  let pushesDuplicate = 0;
  let pushes = 0;
  try {
    for (let index = 0; index < settings.tasks; index++) {
      const target = repositories[index % repositories.length] as (typeof repositories)[number];
      const id = await api.createTask(server.url, 'Let sum take an offset', target.repo, `${server.instanceId}-${index}`);
      tasks.push({ id, repo: target.repo, attempts: target.attempts, created: Date.now() });
    }
    const views = new Map<string, TaskView & { pullRequest?: { number: number }; failure?: { reason: string } }>();
    const deadline = Date.now() + settings.taskTimeoutMs;
    while (views.size < tasks.length && Date.now() < deadline) {
      for (const task of tasks) {
        if (views.has(task.id)) continue;
        const { status, body } = await api.task(server.url, task.id);
        if (status === 200 && isTerminal(body.status)) {
          views.set(task.id, body);
          task.seconds = (Date.now() - task.created) / 1000;
        }
      }
      await pause(500);
    }
    for (const task of tasks) {
      const view = views.get(task.id);
      if (!view) {
        lost += 1;
        settings.progress(`github task ${task.id} (${task.repo}) did not end within ${settings.taskTimeoutMs / 1000} s`);
        continue;
      }
      const attempts = view.attempts.map((attempt) => attempt.conclusion).join('→');
      if (view.status !== 'succeeded' || attempts !== task.attempts || !view.pullRequest) {
        wrong += 1;
        settings.progress(
          `github task ${task.id} (${task.repo}): ${view.status} after ${attempts || 'no CI attempt'}${view.failure ? `: ${view.failure.reason}` : ''}`,
        );
      }
    }
    for (const { repo } of repositories) {
      const perHead = new Map<string, number>();
      for (const pull of sim.pullRequests(repo)) perHead.set(pull.head, (perHead.get(pull.head) ?? 0) + 1);
      for (const count of perHead.values()) pullRequestsDuplicate += Math.max(0, count - 1);
      const branches = execFileSync('git', ['--git-dir', sim.repoDir(repo), 'for-each-ref', '--format=%(refname:short)', 'refs/heads/'], {
        encoding: 'utf8',
      })
        .split('\n')
        .filter((branch) => branch !== '' && branch !== 'main');
      for (const branch of branches) {
        const tally = duplicatePushes(sim.repoDir(repo), branch);
        pushes += tally.pushes;
        pushesDuplicate += tally.duplicates;
      }
    }
    const health = await fetch(`${server.url}/api/health`);
    if (health.status !== 200) throw new Error(`the GitHub-mode server is unhealthy after the faults: ${health.status}`);
  } finally {
    ci.stop();
    const code = await server.stop();
    if (code !== 0) settings.progress(`the GitHub-mode server exited with ${code}: ${server.process.stderr().slice(-1500)}`);
    orphaned = (await containersLeft(server.instanceId)).length;
    removeContainers(server.instanceId);
    sim.setWebhookUrl(undefined);
    await sim.close();
  }
  const seconds = tasks.map((task) => task.seconds ?? settings.taskTimeoutMs / 1000);
  const injected = counts?.byStatus ?? {};
  const figures = {
    'soak.faults.github.tasks': tasks.length,
    'soak.faults.github.requests': sim.counts.total,
    'soak.faults.github.faults_injected': counts?.injected ?? 0,
    'soak.faults.github.faults_injected.5xx': (injected[500] ?? 0) + (injected[502] ?? 0) + (injected[503] ?? 0),
    'soak.faults.github.faults_injected.403_secondary_rate_limit': injected[403] ?? 0,
    'soak.faults.github.faults_injected.429': injected[429] ?? 0,
    'soak.faults.github.lost_responses': counts?.lostResponses ?? 0,
    'soak.faults.github.fault_rate.percent': counts && counts.considered > 0 ? (counts.injected / counts.considered) * 100 : 0,
    'soak.faults.webhooks.sent': sim.deliveries.length,
    'soak.faults.webhooks.dropped': counts?.webhooksDropped ?? 0,
    'soak.faults.github.pushes': pushes,
    'soak.faults.github.pull_requests': repositories.reduce((sum, { repo }) => sum + (sim as GitHubSimulator).pullRequests(repo).length, 0),
    'soak.faults.task_seconds.max': Math.max(0, ...seconds),
    'soak.tasks.total': tasks.length,
    'soak.tasks.lost': lost,
    'soak.tasks.wrong': wrong,
    'soak.pushes.duplicate': pushesDuplicate,
    'soak.pull_requests.duplicate': pullRequestsDuplicate,
    'soak.containers.orphaned': orphaned,
    'soak.responses.5xx': api.serverErrors(),
  };
  settings.progress(
    `github: ${tasks.length} tasks, ${figures['soak.faults.github.faults_injected']} of ${figures['soak.faults.github.requests']} requests failed, ${figures['soak.faults.webhooks.dropped']} webhooks dropped; slowest task ${figures['soak.faults.task_seconds.max'].toFixed(1)} s`,
  );
  return figures;
};
