import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { OrchestratorEvent } from '../domain/events.js';
import { isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { AmpoError } from '../errors.js';
import type { Logger } from '../ports/logger.js';
import type { TaskChange, TaskChangeFeed, TaskChangesResync, TaskLeases } from '../ports/task-leases.js';
import type { TaskStore } from '../ports/task-store.js';
import { createInMemoryTaskStore, type InMemoryTaskStore } from '../testing/in-memory-task-store.js';
import { createFakeWorld, type FakeWorld } from '../testing/orchestrator-harness.js';

const fixedSum = 'export const sum = (a: number, b: number) => a + b;\n';
const lease = { ttlMs: 30_000, intervalMs: 10_000 };

/**
 * The store with a change feed, as PostgreSQL's LISTEN/NOTIFY gives one: every append, after
 * commit. `connected: false` drops notifications, like a broken LISTEN connection.
 */
const withChangeFeed = (inner: InMemoryTaskStore) => {
  const changes = new Subject<TaskChange | TaskChangesResync>();
  const link = { connected: true };
  const store: InMemoryTaskStore = {
    ...inner,
    async append(taskId, events, snapshot, options) {
      await inner.append(taskId, events, snapshot, options);
      const first = events[0]?.seq ?? 0;
      const last = events.at(-1)?.seq ?? 0;
      if (link.connected) setTimeout(() => changes.next({ type: 'appended', taskId, seq: last, firstSeq: first }), 0);
    },
  };
  const feed: TaskChangeFeed = { changes$: changes.asObservable() };
  return { store, feed, link, resync: (since: number) => changes.next({ type: 'resync', since }) };
};

/** A store and leases that die (every later call fails) once `dead()` says so: a killed instance. */
const killable = (store: InMemoryTaskStore, dead: () => boolean): TaskStore & TaskLeases => {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (dead()) throw new AmpoError('unavailable', 'the process was killed');
      return call(...args);
    };
  return {
    ...store,
    append: guard(store.append),
    appendLogs: guard(store.appendLogs),
    claim: guard(store.claim),
    renew: guard(store.renew),
    release: guard(store.release),
  };
};

const recordingLogger = (): Logger & { messages: string[] } => {
  const messages: string[] = [];
  const record = (message: string) => {
    messages.push(message);
  };
  return { messages, debug: record, info: record, warn: record, error: record };
};

/** Moves time on, a lease interval at a time, until every task has ended. */
const runUntilDone = async (world: FakeWorld, ids: readonly string[]): Promise<Task[]> => {
  for (let tick = 0; tick < 200; tick++) {
    const tasks = await Promise.all(ids.map(async (id) => (await world.store.getTask(id)) as Task));
    if (tasks.every((task) => isTerminalStatus(task.status) && task.workspaceRemoved !== false)) return tasks;
    await world.clock.advance(lease.intervalMs);
  }
  throw new Error('the tasks did not end');
};

const expectRanOnce = async (world: FakeWorld, task: Task) => {
  const events = await world.store.readEvents(task.id);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  expect(events.filter((event) => event.type === 'task-started')).toHaveLength(1);
  const pushes = world.git.remotes.get(world.repo)?.pushes.filter((push) => push.branch === task.branch) ?? [];
  expect(new Set(pushes.map((push) => push.sha)).size).toBe(pushes.length);
  expect(world.source.pullRequests.filter((pull) => pull.head === task.branch)).toHaveLength(1);
};

describe('several orchestrator instances on one store, with leases', () => {
  it('share the tasks: each runs once, on one instance, and all go green', async () => {
    const store = createInMemoryTaskStore();
    const claimsBy = new Map<string, number>();
    const leases: TaskLeases = {
      ...store,
      async claim(options) {
        const claimed = await store.claim(options);
        const instance = options.owner.split('/')[0] ?? '';
        claimsBy.set(instance, (claimsBy.get(instance) ?? 0) + claimed.length);
        return claimed;
      },
    };
    // The first four turns wait for each other: with two tasks per instance, both instances must run some.
    let started = 0;
    let allStarted: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    const world = createFakeWorld({
      store,
      leases,
      agent: async () => {
        started += 1;
        if (started === 4) allStarted();
        if (started <= 4) await barrier;
        return { messages: ['Fixing sum'], edits: { 'src/sum.ts': fixedSum } };
      },
      ci: () => ({ conclusion: 'success' }),
      options: { instanceId: 'a', concurrency: 2, leases: lease },
    });
    const second = world.restart({ instanceId: 'b', concurrency: 2, leases: lease });
    await world.orchestrator.start();
    await second.start();
    const created = [];
    for (let index = 0; index < 6; index++)
      created.push(await world.orchestrator.createTask({ repo: world.repo, prompt: `Fix sum ${index}` }));
    const tasks = await runUntilDone(
      world,
      created.map((task) => task.id),
    );

    expect(tasks.map((task) => task.status)).toEqual(Array(6).fill('succeeded'));
    for (const task of tasks) await expectRanOnce(world, task);
    expect(claimsBy.get('a')).toBeGreaterThan(0);
    expect(claimsBy.get('b')).toBeGreaterThan(0);
    expect((claimsBy.get('a') ?? 0) + (claimsBy.get('b') ?? 0)).toBe(6);
    expect(world.runtime.workspaces.size).toBe(0);
    await Promise.all([world.orchestrator.stop(), second.stop()]);
  });

  it('hold the global limit: never more tasks running than maxActive across instances', async () => {
    const store = createInMemoryTaskStore();
    let running = 0;
    let most = 0;
    const world = createFakeWorld({
      store,
      leases: store,
      agent: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return { edits: { 'src/sum.ts': fixedSum } };
      },
      ci: () => ({ conclusion: 'success' }),
      options: { instanceId: 'a', concurrency: 3, leases: { ...lease, maxActive: 2 } },
    });
    const second = world.restart({ instanceId: 'b', concurrency: 3, leases: { ...lease, maxActive: 2 } });
    await world.orchestrator.start();
    await second.start();
    const ids = [];
    for (let index = 0; index < 5; index++)
      ids.push((await world.orchestrator.createTask({ repo: world.repo, prompt: `Fix ${index}` })).id);
    const tasks = await runUntilDone(world, ids);
    expect(tasks.every((task) => task.status === 'succeeded')).toBe(true);
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBeGreaterThan(0);
    await Promise.all([world.orchestrator.stop(), second.stop()]);
  });

  it("take a killed instance's task over once its lease expires, without a second push or pull request", async () => {
    const store = createInMemoryTaskStore();
    let killed = false;
    const world = createFakeWorld({
      store: killable(store, () => killed),
      leases: killable(store, () => killed),
      agent: ({ turnNumber }) => {
        // The first instance dies while its agent works.
        if (turnNumber === 1) killed = true;
        return { edits: { 'src/sum.ts': fixedSum } };
      },
      ci: () => ({ conclusion: 'success' }),
      options: { instanceId: 'a', leases: lease },
    });
    await world.orchestrator.start();
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    for (let tick = 0; tick < 20 && !killed; tick++) await world.clock.advance(1_000);
    expect(killed).toBe(true);
    // A second instance over the same store (not the killed wrapper) and the same engine.
    const second = world.restart({ instanceId: 'b', leases: lease }, { store, leases: store });
    await second.start();
    const [task] = await runUntilDone(world, [id]);
    expect(task?.status).toBe('succeeded');
    await expectRanOnce(world, task as Task);
    await second.stop();
  });
});

describe('a stale owner', () => {
  it('is fenced by the epoch of the new owner and stops at once', async () => {
    const store = createInMemoryTaskStore();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const staleLogger = recordingLogger();
    const world = createFakeWorld({
      store,
      leases: store,
      agent: async ({ turnNumber }) => {
        if (turnNumber === 1) await gate;
        return { messages: ['done'], edits: { 'src/sum.ts': fixedSum } };
      },
      ci: () => ({ conclusion: 'success' }),
      logger: staleLogger,
      // Never renews: as if its process was paused past the lease.
      options: { instanceId: 'stale', leases: { ttlMs: 30_000, intervalMs: 1_000_000_000 } },
    });
    await world.orchestrator.start();
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['agent-running']);
    await world.clock.advance(31_000);
    const fresh = world.restart({ instanceId: 'fresh', leases: lease }, { logger: recordingLogger() });
    await fresh.start();
    await world.clock.advance(lease.intervalMs);
    release();
    const [task] = await runUntilDone(world, [id]);
    expect(task?.status).toBe('succeeded');
    await expectRanOnce(world, task as Task);
    const events = await world.store.readEvents(id);
    expect(events.filter((event) => event.type === 'agent-turn-ended')).toHaveLength(1);
    expect(staleLogger.messages).toContain('another instance owns this task now: stopping its work here');
    await fresh.stop();
    await world.orchestrator.stop();
  });
});

describe('writes from another instance', () => {
  it("reach the owner through the change feed: a cancel made on another instance stops the owner's agent", async () => {
    const { store, feed } = withChangeFeed(createInMemoryTaskStore());
    const world = createFakeWorld({
      store,
      leases: store,
      changes: feed,
      agent: () => ({ outcome: 'hang' }),
      ci: () => ({ conclusion: 'success' }),
      options: { instanceId: 'owner', leases: lease },
    });
    const other = world.restart({ instanceId: 'other', leases: lease, concurrency: 1 });
    await world.orchestrator.start();
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['agent-running']);
    await other.start();
    const seenOnOther: OrchestratorEvent[] = [];
    other.events$.subscribe((event) => {
      if (event.taskId === id) seenOnOther.push(event);
    });
    await other.cancelTask(id, 'not needed');
    const task = await world.waitFor(id, ['cancelled']);
    expect(task.status).toBe('cancelled');
    for (let tick = 0; tick < 20 && world.runtime.workspaces.size > 0; tick++) await world.clock.advance(1_000);
    expect(world.runtime.workspaces.size).toBe(0);
    const events = await world.store.readEvents(id);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    // The other instance published the owner's events too, in order, once each.
    const cancelled = seenOnOther.find((event) => event.type === 'task-status-changed' && event.to === 'cancelled');
    expect(cancelled).toBeDefined();
    const seqs = seenOnOther.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    await Promise.all([world.orchestrator.stop(), other.stop()]);
  });
});

describe('the change feed', () => {
  it('after a lost connection, a resync reads what was missed: the watching instance publishes every event once, in order', async () => {
    const { store, feed, link, resync } = withChangeFeed(createInMemoryTaskStore());
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const world = createFakeWorld({
      store,
      leases: store,
      changes: feed,
      agent: async () => {
        await gate;
        return { messages: ['one', 'two'], edits: { 'src/sum.ts': fixedSum } };
      },
      ci: () => ({ conclusion: 'success' }),
      options: { instanceId: 'owner', leases: lease },
    });
    // The watcher takes no tasks of its own: it only relays what the owner writes.
    const watcher = world.restart({ instanceId: 'watcher', leases: lease }, { leases: { ...store, claim: async () => [] } });
    const seen: OrchestratorEvent[] = [];
    watcher.events$.subscribe((event) => seen.push(event));
    await world.orchestrator.start();
    await watcher.start();
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['agent-running']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const lostAt = world.clock.now();
    link.connected = false;
    release();
    await world.waitFor(id, ['succeeded']);
    await runUntilDone(world, [id]);
    const missed = (await store.readEvents(id)).length - seen.filter((event) => event.taskId === id).length;
    expect(missed).toBeGreaterThan(0);
    link.connected = true;
    resync(lostAt);
    for (let tick = 0; tick < 50 && seen.filter((event) => event.taskId === id).length < (await store.readEvents(id)).length; tick++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const seqs = seen.filter((event) => event.taskId === id).map((event) => event.seq);
    expect(seqs).toEqual((await store.readEvents(id)).map((event) => event.seq));
    await Promise.all([world.orchestrator.stop(), watcher.stop()]);
  });

  it('a task created before the feed connected is published whole on the resync, from its first event', async () => {
    const { store, feed, link, resync } = withChangeFeed(createInMemoryTaskStore());
    const world = createFakeWorld({
      store,
      leases: store,
      changes: feed,
      agent: () => ({ edits: { 'src/sum.ts': fixedSum } }),
      ci: () => ({ conclusion: 'success' }),
      options: { instanceId: 'owner', leases: lease },
    });
    const watcher = world.restart({ instanceId: 'watcher', leases: lease }, { leases: { ...store, claim: async () => [] } });
    const seen: OrchestratorEvent[] = [];
    watcher.events$.subscribe((event) => seen.push(event));
    await world.orchestrator.start();
    await watcher.start();
    const connecting = world.clock.now();
    link.connected = false;
    const { id } = await world.orchestrator.createTask({ repo: world.repo, prompt: 'Fix sum' });
    await world.waitFor(id, ['agent-running', 'succeeded']);
    link.connected = true;
    // The LISTEN connection is up: the feed says what it may have missed since it was subscribed.
    resync(connecting);
    const stored = async () => (await store.readEvents(id)).length;
    for (let tick = 0; tick < 50 && seen.filter((event) => event.taskId === id).length < (await stored()); tick++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    const seqs = seen.filter((event) => event.taskId === id).map((event) => event.seq);
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    await runUntilDone(world, [id]);
    await Promise.all([world.orchestrator.stop(), watcher.stop()]);
  });
});
