// npm run bench:store-postgres — the PostgreSQL task store against raw batched pg inserts, claim
// throughput of 8 instances, and the latency of a change from one instance to another.
// Starts a throwaway server (durable settings: fsync on). Prints `key=value` lines; nothing is asserted.
import { cpus } from 'node:os';
import { CreateTask, type EventOf, initialTask, type OrchestratorEvent, type Task, type TaskChange } from '@ampo/core';
import { createPostgresStore, type PostgresTaskStore } from '@ampo/store-postgres';
import { startPostgres } from '@ampo/testkit';
import pg from 'pg';
import { filter, firstValueFrom } from 'rxjs';

const tasks = 200;
const eventsPerTask = 100;
const batchSize = 10;
const rounds = 3;
const claimTasks = 4_000;
const claimers = 8;
const latencySamples = 1_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
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

/** Every batch to append: agent output, as the orchestrator writes most, with the snapshot after it. */
const batches: Array<{ taskId: string; events: OrchestratorEvent[]; snapshot: Task }> = [];
for (let task = 0; task < tasks; task++) {
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

const server = await startPostgres({ settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } });
const pools: pg.Pool[] = [];
const newPool = (url: string, max = 1) => {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection that breaks is pg's to replace; say so rather than crash.
  pool.on('error', (error) => console.error(`pool error: ${error.message}`));
  pools.push(pool);
  return pool;
};
const openStore = async (url: string) => createPostgresStore({ pool: newPool(url) });

const appendThroughStore = async () => {
  const store = await openStore(await server.createDatabase());
  const started = performance.now();
  for (const batch of batches) await store.append(batch.taskId, batch.events, batch.snapshot);
  const elapsed = performance.now() - started;
  await store.close();
  return elapsed;
};

/** The same events into the same table: one multi-row INSERT per batch, the task rows made beforehand. */
const appendRaw = async () => {
  const url = await server.createDatabase();
  const store = await openStore(url);
  await store.close();
  const pool = newPool(url);
  await pool.query(
    `insert into tasks (id, status, repo, created_at, updated_at, last_seq, snapshot)
     select 'task-' || i, 'agent-running', 'acme/widgets', i, i, 0, '{}' from generate_series(0, ${tasks - 1}) as i`,
  );
  const values = Array.from(
    { length: batchSize },
    (_, row) => `($${row * 5 + 1}, $${row * 5 + 2}, $${row * 5 + 3}, $${row * 5 + 4}, $${row * 5 + 5})`,
  ).join(', ');
  const insert = `insert into task_events (task_id, seq, type, at, body) values ${values}`;
  const started = performance.now();
  for (const batch of batches) {
    await pool.query(
      insert,
      batch.events.flatMap((event) => [batch.taskId, event.seq, event.type, event.at, JSON.stringify(event)]),
    );
  }
  return performance.now() - started;
};

const claimThroughput = async (maxActive?: number) => {
  const url = await server.createDatabase();
  const seeder = await openStore(url);
  for (let task = 0; task < claimTasks; task++) {
    const { event, snapshot } = created(`claim-${task}`, 1_700_000_000_000 + task);
    await seeder.append(event.taskId, [event], snapshot);
  }
  const instances = await Promise.all(Array.from({ length: claimers }, () => openStore(url)));
  const claim = async (store: PostgresTaskStore, owner: string) => {
    let claimed = 0;
    for (;;) {
      const leases = await store.claim({ owner, limit: 10, ttlMs: 60_000, now: 1_000, ...(maxActive ? { maxActive } : {}) });
      if (leases.length === 0) return claimed;
      claimed += leases.length;
    }
  };
  const started = performance.now();
  const claimed = (await Promise.all(instances.map((store, index) => claim(store, `instance-${index}`)))).reduce((a, b) => a + b, 0);
  const elapsed = performance.now() - started;
  await Promise.all([...instances, seeder].map((store) => store.close()));
  return { claimed, perSecond: (claimed / elapsed) * 1000 };
};

const changeLatency = async () => {
  const url = await server.createDatabase();
  const writer = await openStore(url);
  const reader = await openStore(url);
  const changes$ = reader.changes$;
  // One subscription all along: the LISTEN connection lives while anyone subscribes.
  const resynced = firstValueFrom(changes$.pipe(filter((change) => change.type === 'resync')));
  const listening = changes$.subscribe();
  await resynced;
  const latencies: number[] = [];
  const appends: number[] = [];
  const first = created('latency', 1_700_000_000_000);
  let event: OrchestratorEvent = first.event;
  let snapshot = first.snapshot;
  const seen = (seq: number) =>
    firstValueFrom(changes$.pipe(filter((change): change is TaskChange => change.type === 'appended' && change.seq === seq)));
  for (let sample = 0; sample < latencySamples; sample++) {
    const arrived = seen(event.seq).then(() => performance.now());
    const started = performance.now();
    await writer.append('latency', [event], snapshot);
    appends.push(performance.now() - started);
    latencies.push((await arrived) - started);
    const next: OrchestratorEvent = { type: 'message-received', taskId: 'latency', seq: event.seq + 1, at: event.at + 1, text: 'ping' };
    snapshot = { ...snapshot, lastSeq: next.seq, updatedAt: next.at };
    event = next;
  }
  listening.unsubscribe();
  await reader.close();
  await writer.close();
  return { latencies, appends };
};

try {
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, postgres on 127.0.0.1 with fsync on`,
  );
  const events = tasks * eventsPerTask;
  console.log(`store.postgres.append.events=${events} batch=${batchSize} rounds=${rounds}`);
  // Alternate the two and compare medians: one warm-up effect does not decide it.
  const storeTimes: number[] = [];
  const rawTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    rawTimes.push(await appendRaw());
    storeTimes.push(await appendThroughStore());
  }
  const storeMs = median(storeTimes);
  const rawMs = median(rawTimes);
  console.log(`store.postgres.append.ampo_ms=${storeMs.toFixed(0)} (${((events / storeMs) * 1000).toFixed(0)} events/s)`);
  console.log(`store.postgres.append.raw_ms=${rawMs.toFixed(0)} (${((events / rawMs) * 1000).toFixed(0)} events/s)`);
  // Throughput of the store over raw inserts: 1 is as fast, the goal is at least 0.7.
  console.log(`store.postgres.append.ratio=${(rawMs / storeMs).toFixed(2)}`);

  const claims = await claimThroughput();
  console.log(`store.postgres.claims=${claims.claimed} claimers=${claimers}`);
  console.log(`store.postgres.claims_per_s=${claims.perSecond.toFixed(0)}`);
  const limited = await claimThroughput(claimTasks);
  console.log(`store.postgres.claims_per_s.max_active=${limited.perSecond.toFixed(0)}`);

  const latency = await changeLatency();
  console.log(`store.postgres.change_latency.samples=${latencySamples}`);
  // From calling append on one instance to the change on the other's changes$ (the append included).
  console.log(`store.postgres.change_latency.p50_ms=${percentile(latency.latencies, 50).toFixed(2)}`);
  console.log(`store.postgres.change_latency.p99_ms=${percentile(latency.latencies, 99).toFixed(2)}`);
  console.log(`store.postgres.change_latency.append_p50_ms=${percentile(latency.appends, 50).toFixed(2)}`);
} finally {
  await Promise.all(pools.map((pool) => pool.end()));
  await server.stop();
}
