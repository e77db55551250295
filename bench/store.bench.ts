// npm run bench:store — the SQLite task store against raw better-sqlite3, and listing pages.
// Prints `key=value` lines; nothing is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTask, type EventOf, initialTask, type OrchestratorEvent, type Task } from '@ampo/core';
import { createSqliteStore } from '@ampo/store-sqlite';
import Database from 'better-sqlite3';

const totalEvents = 100_000;
const batchSize = 10;
const eventsPerTask = 100;
const listTasks = 10_000;
const pageSize = 50;
const listRounds = 200;

const directory = mkdtempSync(join(tmpdir(), 'ampo-bench-store-'));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const created = (taskId: string, at: number) => {
  const event: EventOf<'task-created'> = {
    type: 'task-created',
    taskId,
    seq: 1,
    at,
    request: CreateTask.parse({ repo: 'acme/widgets', prompt: `Fix issue ${taskId}` }),
    branch: `ampo/${taskId}`,
  };
  return { event, snapshot: initialTask(event) };
};

/** Every batch to append: events of agent output, as the orchestrator writes most, with the snapshot after them. */
const batches: Array<{ taskId: string; events: OrchestratorEvent[]; snapshot: Task }> = [];
for (let task = 0; task < totalEvents / eventsPerTask; task++) {
  const taskId = `task-${task}`;
  const first = created(taskId, 1_700_000_000_000 + task);
  const snapshot = { ...first.snapshot, status: 'agent-running' as const };
  for (let seq = 1; seq <= eventsPerTask; seq += batchSize) {
    const events: OrchestratorEvent[] = [];
    for (let offset = 0; offset < batchSize; offset++) {
      const eventSeq = seq + offset;
      events.push(
        eventSeq === 1
          ? first.event
          : {
              type: 'agent-output',
              taskId,
              seq: eventSeq,
              at: first.event.at + eventSeq,
              turn: 1,
              line: eventSeq - 1,
              output: { type: 'text', text: `Reading src/widgets/spin-${eventSeq}.ts to find where the speed is computed.` },
            },
      );
    }
    const last = events.at(-1) as OrchestratorEvent;
    batches.push({ taskId, events, snapshot: { ...snapshot, lastSeq: last.seq, updatedAt: last.at } });
  }
}

const appendThroughStore = async () => {
  const store = await createSqliteStore({ filename: join(directory, `store-${Math.random()}.db`) });
  const started = performance.now();
  for (const batch of batches) await store.append(batch.taskId, batch.events, batch.snapshot);
  const elapsed = performance.now() - started;
  await store.close();
  return elapsed;
};

const appendRaw = () => {
  const database = new Database(join(directory, `raw-${Math.random()}.db`));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec('create table events (task_id text not null, seq integer not null, body text not null, primary key (task_id, seq))');
  const insert = database.prepare('insert into events (task_id, seq, body) values (?, ?, ?)');
  const appendBatch = database.transaction((taskId: string, events: OrchestratorEvent[]) => {
    for (const event of events) insert.run(taskId, event.seq, JSON.stringify(event));
  });
  const started = performance.now();
  for (const batch of batches) appendBatch(batch.taskId, batch.events);
  const elapsed = performance.now() - started;
  database.close();
  return elapsed;
};

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`store.append.events=${totalEvents} batch=${batchSize}`);
// Alternate the two, three rounds each, and compare medians: one warm-up effect does not decide it.
const storeTimes: number[] = [];
const rawTimes: number[] = [];
for (let round = 0; round < 3; round++) {
  rawTimes.push(appendRaw());
  storeTimes.push(await appendThroughStore());
}
const storeMs = median(storeTimes);
const rawMs = median(rawTimes);
console.log(`store.append.ampo_ms=${storeMs.toFixed(0)} (${((totalEvents / storeMs) * 1000).toFixed(0)} events/s)`);
console.log(`store.append.raw_ms=${rawMs.toFixed(0)} (${((totalEvents / rawMs) * 1000).toFixed(0)} events/s)`);
console.log(`store.append.ratio=${(storeMs / rawMs).toFixed(2)}`);

const store = await createSqliteStore({ filename: join(directory, 'list.db') });
for (let task = 0; task < listTasks; task++) {
  const { event, snapshot } = created(`list-${String(task).padStart(5, '0')}`, 1_700_000_000_000 + task);
  await store.append(event.taskId, [event], snapshot);
}
const timePage = async (cursor: string | undefined) => {
  const times: number[] = [];
  for (let round = 0; round < listRounds; round++) {
    const started = performance.now();
    await store.listTasks({ limit: pageSize, ...(cursor ? { cursor } : {}) });
    times.push(performance.now() - started);
  }
  return median(times);
};
let cursor: string | undefined;
for (let page = 1; page < 50; page++) cursor = (await store.listTasks({ limit: pageSize, ...(cursor ? { cursor } : {}) })).nextCursor;
const page50 = await store.listTasks({ limit: pageSize, cursor });
if (page50.tasks[0]?.id !== `list-${String(listTasks - 49 * pageSize - 1).padStart(5, '0')}`)
  throw new Error('page 50 is not where it should be');
console.log(`store.list.tasks=${listTasks} page_size=${pageSize} rounds=${listRounds}`);
console.log(`store.list.page1.median_ms=${(await timePage(undefined)).toFixed(3)}`);
console.log(`store.list.page50.median_ms=${(await timePage(cursor)).toFixed(3)}`);
await store.close();
rmSync(directory, { recursive: true, force: true });
