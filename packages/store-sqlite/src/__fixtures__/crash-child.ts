// One orchestrator process on a SQLite file and a durable fake world (see durable-world.ts).
// `create` queues two tasks; `resume` only resumes what the file holds. With a hold, the process
// hangs at that step until its parent kills it; otherwise it exits once every task is finished.
import { createOrchestrator } from '@ampo/core';
import { createSqliteStore } from '../create-sqlite-store.js';
import { type HoldPoint, openDurableWorld } from './durable-world.js';

const [filename, worldFile, mode, holdSpec = 'none'] = process.argv.slice(2);
if (!filename || !worldFile || (mode !== 'create' && mode !== 'resume')) {
  throw new Error('usage: crash-child DB WORLD create|resume [POINT:OCCURRENCE|none]');
}
const [point, occurrence] = holdSpec.split(':');
const world = openDurableWorld(worldFile, holdSpec === 'none' ? undefined : { point: point as HoldPoint, occurrence: Number(occurrence) });
const store = await createSqliteStore({ filename });
const orchestrator = createOrchestrator(
  { runtime: world.runtime, agents: { amp: world.agent.driver }, source: world.source, ci: world.ci, store },
  // One task at a time, so that the second one is queued whenever the first is held.
  { concurrency: 1, instanceId: `crash-${process.pid}` },
);
await orchestrator.start();
if (mode === 'create') {
  await orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 3 });
  await orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum', maxCiAttempts: 3 });
}
process.stdout.write('started\n');

const settled = async () => {
  const { tasks } = await store.listTasks();
  return tasks.length === 2 && tasks.every((task) => ['succeeded', 'failed', 'cancelled'].includes(task.status) && task.workspaceRemoved);
};
while (!(await settled())) await new Promise((resolve) => setTimeout(resolve, 20));
await orchestrator.stop();
await store.close();
process.stdout.write('finished\n');
