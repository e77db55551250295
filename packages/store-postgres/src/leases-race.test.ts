import type { TaskLease } from '@ampo/core';
import { describe, expect, it } from 'vitest';
import { seedTask } from './__fixtures__/tasks.js';
import { useTestPostgres } from './__fixtures__/test-database.js';

const { postgres, openStore } = useTestPostgres();

const ttlMs = 60_000;
const now = 1_000_000;

/** Claims until a claim comes back empty, as an instance's claim loop does. */
const claimAll = async (store: Awaited<ReturnType<typeof openStore>>, owner: string, maxActive?: number) => {
  const mine: TaskLease[] = [];
  for (;;) {
    const leases = await store.claim({ owner, limit: 5, ttlMs, now, ...(maxActive === undefined ? {} : { maxActive }) });
    if (leases.length === 0) return mine;
    mine.push(...leases);
  }
};

describe('claims raced by 8 instances on one database', () => {
  it('claim each of 200 tasks exactly once', async () => {
    const url = await postgres().createDatabase();
    const seeder = await openStore(url);
    const ids = Array.from({ length: 200 }, (_, index) => `t-${String(index).padStart(3, '0')}`);
    for (const [index, id] of ids.entries()) await seedTask(seeder, id, 1_000 + index);
    const instances = await Promise.all(Array.from({ length: 8 }, () => openStore(url, { max: 1 })));
    try {
      const claimed = await Promise.all(instances.map((store, index) => claimAll(store, `instance-${index}`)));
      const all = claimed.flat();
      expect(all.map((lease) => lease.taskId).sort()).toEqual(ids);
      expect(all.every((lease) => lease.epoch === 1)).toBe(true);
      // Each instance got some: they really ran side by side rather than one after another.
      expect(claimed.filter((leases) => leases.length > 0).length).toBeGreaterThan(1);
      expect(await seeder.countActive(now)).toBe(200);
    } finally {
      await Promise.all(instances.map((store) => store.close()));
      await seeder.close();
    }
  });

  it('hold maxActive across instances exactly', async () => {
    const url = await postgres().createDatabase();
    const seeder = await openStore(url);
    for (let index = 0; index < 120; index++) await seedTask(seeder, `t-${index}`, 1_000 + index);
    const instances = await Promise.all(Array.from({ length: 8 }, () => openStore(url, { max: 1 })));
    try {
      const claimed = (await Promise.all(instances.map((store, index) => claimAll(store, `instance-${index}`, 37)))).flat();
      expect(claimed).toHaveLength(37);
      expect(new Set(claimed.map((lease) => lease.taskId)).size).toBe(37);
      expect(await seeder.countActive(now)).toBe(37);
    } finally {
      await Promise.all(instances.map((store) => store.close()));
      await seeder.close();
    }
  });
});
