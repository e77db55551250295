import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { followInOrder, type Sequenced } from './ordered-feed.js';

interface Item extends Sequenced {
  text: string;
}

/** A store and a live stream that publishes after it stores, as the orchestrator does. */
const setting = () => {
  const stored: Item[] = [];
  const live = new Subject<Item>();
  let reads = 0;
  let gate: Promise<void> = Promise.resolve();
  return {
    stored,
    live,
    get reads() {
      return reads;
    },
    /** Holds every read until `release` is called. */
    hold() {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => release();
    },
    append(text: string, publish = true) {
      const item = { seq: stored.length + 1, text };
      stored.push(item);
      if (publish) live.next(item);
      return item;
    },
    read: async (afterSeq: number, limit: number) => {
      reads += 1;
      await gate;
      return stored.filter((item) => item.seq > afterSeq).slice(0, limit);
    },
  };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('followInOrder', () => {
  it('delivers stored items after the cursor in pages, then live ones, each once', async () => {
    const world = setting();
    for (let index = 0; index < 25; index++) world.append(`stored ${index}`, false);
    const delivered: number[] = [];
    let caughtUp = 0;
    followInOrder({
      live$: world.live,
      read: world.read,
      afterSeq: 3,
      deliver: (item) => delivered.push(item.seq),
      caughtUp: () => caughtUp++,
      onError: (error) => {
        throw error;
      },
      pageSize: 10,
    });
    await settle();
    world.append('live 26');
    world.append('live 27');
    await settle();
    expect(delivered).toEqual(Array.from({ length: 24 }, (_, index) => index + 4));
    expect(caughtUp).toBe(1);
    expect(world.reads).toBe(3);
  });

  it('holds live items that arrive while the store is read and drops the ones the store also had', async () => {
    const world = setting();
    world.append('a', false);
    const release = world.hold();
    const delivered: number[] = [];
    followInOrder({ live$: world.live, read: world.read, afterSeq: 0, deliver: (item) => delivered.push(item.seq), onError: () => {} });
    world.append('b');
    world.append('c');
    release();
    await settle();
    await settle();
    world.append('d');
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('goes back to the store when a live item skips a seq (a lost publication)', async () => {
    const world = setting();
    const delivered: string[] = [];
    followInOrder({ live$: world.live, read: world.read, afterSeq: 0, deliver: (item) => delivered.push(item.text), onError: () => {} });
    await settle();
    world.append('one');
    world.append('lost', false);
    world.append('three');
    await settle();
    await settle();
    expect(delivered).toEqual(['one', 'lost', 'three']);
  });

  it('past maxHeld, forgets what it held and reads the rest from the store: memory stays bounded, nothing is lost', async () => {
    const world = setting();
    const release = world.hold();
    const delivered: number[] = [];
    followInOrder({
      live$: world.live,
      read: world.read,
      afterSeq: 0,
      deliver: (item) => delivered.push(item.seq),
      onError: () => {},
      maxHeld: 5,
      pageSize: 4,
    });
    for (let index = 0; index < 30; index++) world.append(`burst ${index}`);
    release();
    for (let tick = 0; tick < 20; tick++) await settle();
    expect(delivered).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
  });

  it('takes what the store has across a gap in it (chunks pruned by retention)', async () => {
    const world = setting();
    for (let index = 0; index < 6; index++) world.append(`x${index}`, false);
    world.stored.splice(1, 3);
    const delivered: number[] = [];
    followInOrder({
      live$: world.live,
      read: world.read,
      afterSeq: 0,
      deliver: (item) => delivered.push(item.seq),
      onError: () => {},
      pageSize: 2,
    });
    await settle();
    await settle();
    expect(delivered).toEqual([1, 5, 6]);
  });

  it('stops reading and delivering once unsubscribed', async () => {
    const world = setting();
    const release = world.hold();
    world.append('a', false);
    const delivered: number[] = [];
    const subscription = followInOrder({
      live$: world.live,
      read: world.read,
      afterSeq: 0,
      deliver: (item) => delivered.push(item.seq),
      onError: () => {},
    });
    subscription.unsubscribe();
    release();
    await settle();
    world.append('b');
    expect(delivered).toEqual([]);
  });

  it('reads the store on a nudge: items another instance stored, that never came live, go out in order', async () => {
    const world = setting();
    const nudge = new Subject<void>();
    const delivered: number[] = [];
    const subscription = followInOrder({
      live$: world.live,
      read: world.read,
      afterSeq: 0,
      deliver: (item) => delivered.push(item.seq),
      onError: (error) => {
        throw error;
      },
      nudge$: nudge,
    });
    await settle();
    world.append('one', false);
    world.append('two', false);
    await settle();
    expect(delivered).toEqual([]);
    nudge.next();
    await settle();
    expect(delivered).toEqual([1, 2]);
    world.append('three');
    world.append('four', false);
    nudge.next();
    await settle();
    expect(delivered).toEqual([1, 2, 3, 4]);
    subscription.unsubscribe();
  });
});
