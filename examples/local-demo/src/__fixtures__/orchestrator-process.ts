// One orchestrator process for the crash tests: it prints every event as a JSON line, so the
// parent can SIGKILL it at a chosen moment and start another on the same data directory.
import type { OrchestratorEvent } from '@ampo/core';
import { createEmbeddedStack } from '@ampo/server';

const config = JSON.parse(process.env.AMPO_PROCESS_CONFIG ?? '{}') as {
  image: string;
  dataDirectory: string;
  instanceId: string;
  labels: Record<string, string>;
  gitPort: number;
  gitToken: string;
  createTask?: { repo: string; prompt: string };
};

const stack = await createEmbeddedStack({
  image: config.image,
  dataDirectory: config.dataDirectory,
  instanceId: config.instanceId,
  labels: config.labels,
  git: { port: config.gitPort, token: config.gitToken },
  agents: { amp: { binary: 'ampo-scripted-agent' } },
});
stack.orchestrator.events$.subscribe((event: OrchestratorEvent) => console.log(JSON.stringify(event)));
await stack.orchestrator.start();
if (config.createTask) await stack.orchestrator.createTask({ ...config.createTask, maxCiAttempts: 3 });
// Runs until killed, or until no task is left unfinished.
const timer = setInterval(async () => {
  if ((await stack.store.listUnfinished()).length > 0) return;
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await stack.close();
  console.log(JSON.stringify({ type: 'process-done' }));
  process.exit(0);
}, 500);
