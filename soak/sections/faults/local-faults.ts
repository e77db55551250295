// The local-mode faults, on one server: a check that floods its output, a silent agent, agents that
// print broken stream-JSON. Each task must end as its case says, with a reason a person can act
// on; the server's resident memory is sampled throughout and it must stay up and healthy.
import { randomUUID } from 'node:crypto';
import { createApiClient, type TaskView } from '../../support/api-client.js';
import { containersLeft, poll, removeContainers } from '../../support/docker-inspect.js';
import { createSoakServer } from '../../support/server-process.js';
import { isTerminal } from '../../support/task-outcomes.js';
import { residentMegabytes } from '../load/server-gauges.js';
import { createLocalCases, type LocalCase } from './local-cases.js';

type EndedTask = TaskView & { failure?: { code: string; reason: string } };

/** How far the server's resident memory may rise over idle while the faults run. */
const maxGrowthMegabytes = 512;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the task ended as its case says; the mismatch, when not. */
const judge = (entry: LocalCase, view: EndedTask): string | undefined => {
  const attempts = view.attempts.map((attempt) => attempt.conclusion).join('→');
  const expected = entry.expected;
  if (expected.status === 'succeeded')
    return view.status === 'succeeded' && attempts === expected.attempts
      ? undefined
      : `${view.status} after ${attempts || 'no CI attempt'}`;
  if (view.status !== 'failed') return `${view.status}, not failed`;
  if (view.failure?.code !== expected.code || !expected.reason.test(view.failure.reason))
    return `failed as ${view.failure?.code}: ${view.failure?.reason ?? 'no reason'}`;
  return undefined;
};

export interface LocalFaultSettings {
  image: string;
  bigOutputBytes: number;
  hugeLineBytes: number;
  agentTimeoutMs: number;
  taskTimeoutMs: number;
  progress(message: string): void;
}

export const runLocalFaults = async (settings: LocalFaultSettings) => {
  const { root, cases } = createLocalCases(settings);
  const instanceId = `soak-faults-${randomUUID().slice(0, 8)}`;
  const server = createSoakServer({
    image: settings.image,
    instanceId,
    repositoryRoot: root,
    repo: cases[0]?.repo ?? '',
    concurrency: cases.length,
  });
  const api = createApiClient(await server.token());
  let peakMegabytes = 0;
  let idleMegabytes = 0;
  let stopSampling: (() => Promise<void>) | undefined;
  const tasks: Array<{ entry: LocalCase; id: string; created: number; seconds?: number; view?: EndedTask }> = [];
  try {
    await server.start();
    const { url } = server.current;
    const pid = server.current.process.child.pid as number;
    idleMegabytes = residentMegabytes(pid);
    stopSampling = poll(100, () => {
      peakMegabytes = Math.max(peakMegabytes, residentMegabytes(pid));
    });
    for (const entry of cases) {
      const created = await api.call<{ id: string }>(url, '/api/tasks', {
        method: 'POST',
        headers: { 'idempotency-key': `${instanceId}-${entry.name}` },
        body: JSON.stringify({ repo: entry.repo, prompt: 'Let sum take an offset', ...entry.request }),
      });
      if (created.status !== 201)
        throw new Error(`creating the ${entry.name} task answered ${created.status}: ${JSON.stringify(created.body)}`);
      tasks.push({ entry, id: created.body.id, created: Date.now() });
    }
    const deadline = Date.now() + settings.taskTimeoutMs;
    while (tasks.some((task) => !task.view) && Date.now() < deadline) {
      for (const task of tasks.filter((candidate) => !candidate.view)) {
        const { status, body } = await api.call<EndedTask>(url, `/api/tasks/${task.id}`);
        if (status !== 200 || !isTerminal(body.status)) continue;
        task.view = body;
        task.seconds = (Date.now() - task.created) / 1000;
        settings.progress(
          `${task.entry.name}: ${body.status} in ${task.seconds.toFixed(1)} s${body.failure ? ` (${body.failure.code}: ${body.failure.reason})` : ''}`,
        );
      }
      await pause(500);
    }
    await stopSampling();
    stopSampling = undefined;
    // 1 GiB of check output twice peaked ~250 MB over idle (garbage not yet collected), as 128 MiB did: bounded, not growing with the flood.
    if (peakMegabytes - idleMegabytes > maxGrowthMegabytes)
      throw new Error(`the server's RSS grew ${(peakMegabytes - idleMegabytes).toFixed(0)} MB over idle (limit ${maxGrowthMegabytes} MB)`);
    const health = await fetch(`${url}/api/health`);
    if (health.status !== 200 || server.current.process.child.exitCode !== null)
      throw new Error(`the server is not healthy after the faults (health ${health.status})`);
    let lost = 0;
    let wrong = 0;
    for (const task of tasks) {
      if (!task.view) {
        lost += 1;
        settings.progress(`${task.entry.name}: did not end within ${settings.taskTimeoutMs / 1000} s`);
        continue;
      }
      const mismatch = judge(task.entry, task.view);
      if (mismatch) {
        wrong += 1;
        settings.progress(`${task.entry.name}: ended wrong: ${mismatch}`);
      }
    }
    const notices = async (name: string) => {
      const task = tasks.find((candidate) => candidate.entry.name === name);
      if (!task) return 0;
      const events = await api.events(url, task.id);
      return events.filter((event) => event.type === 'agent-output' && event.output.type === 'notice').length;
    };
    const seconds = (name: string) => tasks.find((task) => task.entry.name === name)?.seconds ?? 0;
    const figures = {
      'soak.faults.big_output.bytes': settings.bigOutputBytes,
      'soak.faults.big_output.task_seconds': seconds('big-output'),
      'soak.faults.local.server_rss_idle.mb': idleMegabytes,
      'soak.faults.local.server_rss_peak.mb': peakMegabytes,
      'soak.faults.silent_agent.timeout_seconds': settings.agentTimeoutMs / 1000,
      'soak.faults.silent_agent.task_seconds': seconds('silent-agent'),
      'soak.faults.invalid_json.huge_line.bytes': settings.hugeLineBytes,
      'soak.faults.invalid_json.notices': (await notices('invalid-json-then-carries-on')) + (await notices('invalid-json-only')),
      'soak.tasks.total': tasks.length,
      'soak.tasks.lost': lost,
      'soak.tasks.wrong': wrong,
      'soak.responses.5xx': api.serverErrors(),
    };
    await server.stop();
    return { ...figures, 'soak.containers.orphaned': (await containersLeft(instanceId)).length };
  } finally {
    await stopSampling?.();
    await server.kill();
    removeContainers(instanceId);
  }
};
