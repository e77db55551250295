import type { TaskChange, TaskChangesResync } from '@ampo/core';
import { firstValueFrom, ReplaySubject } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { appendOutput, seedTask } from './__fixtures__/tasks.js';
import { useTestPostgres } from './__fixtures__/test-database.js';

const { postgres, openStore } = useTestPostgres();

type Change = TaskChange | TaskChangesResync;

/** Records what a store's changes$ emits, from now on. */
const record = (store: { changes$: import('rxjs').Observable<Change> }) => {
  const seen = new ReplaySubject<Change>();
  const subscription = store.changes$.subscribe(seen);
  const next = (count: number, predicate: (change: Change) => boolean = () => true) =>
    firstValueFrom(seen.pipe(filter(predicate), take(count), toArray()));
  return { seen, subscription, next };
};

describe('changes$ (LISTEN/NOTIFY)', () => {
  it("delivers another instance's appends in order, and only committed ones", async () => {
    const url = await postgres().createDatabase();
    const writer = await openStore(url);
    const reader = await openStore(url);
    const feed = record(reader);
    try {
      // The first resync says LISTEN holds: appends from here on are notified.
      expect(await feed.next(1)).toEqual([{ type: 'resync', since: expect.any(Number) }]);
      const one = await seedTask(writer, 't-1', 1_000);
      const two = await seedTask(writer, 'acme:t-2:7', 2_000);
      const oneLater = await appendOutput(writer, one, 3);
      // A rejected append (a stale seq) notifies nothing.
      await expect(appendOutput(writer, one, 1)).rejects.toMatchObject({ code: 'conflict' });
      await appendOutput(writer, two, 1);
      await appendOutput(writer, oneLater, 2);
      const appended = await feed.next(5, (change) => change.type === 'appended');
      expect(appended).toEqual([
        { type: 'appended', taskId: 't-1', firstSeq: 1, seq: 1 },
        { type: 'appended', taskId: 'acme:t-2:7', firstSeq: 1, seq: 1 },
        { type: 'appended', taskId: 't-1', firstSeq: 2, seq: 4 },
        { type: 'appended', taskId: 'acme:t-2:7', firstSeq: 2, seq: 2 },
        { type: 'appended', taskId: 't-1', firstSeq: 5, seq: 6 },
      ]);
      // A notification carries no event: the reader reads them from the store.
      expect((await reader.readEvents('t-1')).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    } finally {
      feed.subscription.unsubscribe();
      await reader.close();
      await writer.close();
    }
  });

  it('after the LISTEN connection is killed, emits a resync and then new changes', async () => {
    const url = await postgres().createDatabase();
    const database = new URL(url).pathname.slice(1);
    const writer = await openStore(url);
    const reader = await openStore(url, { reconnectDelay: { initialMs: 20, maxMs: 200 } });
    const feed = record(reader);
    try {
      await feed.next(1);
      const task = await seedTask(writer, 't-1', 1_000);
      await feed.next(1, (change) => change.type === 'appended');
      const beforeKill = Date.now();
      const killed = await postgres().psql(
        `select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = '${database}' and query ilike 'listen %'`,
      );
      expect(killed).toBe('1\n');
      const [resync] = await feed.next(1, (change) => change.type === 'resync' && change.since >= beforeKill);
      expect(resync).toEqual({ type: 'resync', since: expect.any(Number) });
      await appendOutput(writer, task, 2);
      expect(await feed.next(2, (change) => change.type === 'appended')).toEqual([
        { type: 'appended', taskId: 't-1', firstSeq: 1, seq: 1 },
        { type: 'appended', taskId: 't-1', firstSeq: 2, seq: 3 },
      ]);
    } finally {
      feed.subscription.unsubscribe();
      await reader.close();
      await writer.close();
    }
  });

  it('close() ends the LISTEN connection and completes changes$', async () => {
    const url = await postgres().createDatabase();
    const database = new URL(url).pathname.slice(1);
    const store = await openStore(url);
    const feed = record(store);
    await feed.next(1);
    const listening = () =>
      postgres().psql(`select count(*) from pg_stat_activity where datname = '${database}' and query ilike 'listen %'`);
    expect(await listening()).toBe('1\n');
    let completed = false;
    feed.seen.subscribe({ complete: () => (completed = true) });
    await store.close();
    expect(completed).toBe(true);
    for (let tries = 0; tries < 50 && (await listening()) !== '0\n'; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await listening()).toBe('0\n');
  });

  it('an unsubscribe while the connection is being made leaves no connection behind', async () => {
    const url = await postgres().createDatabase();
    const database = new URL(url).pathname.slice(1);
    const store = await openStore(url);
    try {
      const connections = () =>
        postgres().psql(`select count(*) from pg_stat_activity where datname = '${database}' and backend_type = 'client backend'`);
      const before = await connections();
      for (let round = 0; round < 5; round++) store.changes$.subscribe().unsubscribe();
      // Give the connections that were on their way time to arrive, then to leave.
      await new Promise((resolve) => setTimeout(resolve, 500));
      let now = await connections();
      for (let tries = 0; tries < 50 && now !== before; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        now = await connections();
      }
      expect(now).toBe(before);
    } finally {
      await store.close();
    }
  });
});
