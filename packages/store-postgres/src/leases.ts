import { type TaskLease, type TaskLeases, terminalStatuses } from '@ampo/core';
import { type Kysely, sql } from 'kysely';
import type { StoreSchema } from './schema.js';

const terminal = sql.raw(`(${[...terminalStatuses].map((status) => `'${status}'`).join(', ')})`);
/** The key of the transaction-scoped advisory lock that makes the global count of a claim exact. */
const claimLockKey = sql.lit(0x616d706f); // 'ampo'

interface ClaimedRow {
  id: string;
  epoch: number;
  created_at: string;
}

/**
 * Leases as columns of `tasks`. A claim takes its rows with `FOR UPDATE SKIP LOCKED`, so
 * concurrent claimers never wait for each other nor take the same task; with `maxActive`, claimers
 * also take one advisory lock so that counting and claiming happen as one step across instances.
 */
export const createLeases = (db: Kysely<StoreSchema>, run: <T>(doing: string, work: () => Promise<T>) => Promise<T>): TaskLeases => {
  const claimRows = async (executor: Kysely<StoreSchema>, owner: string, limit: number, ttlMs: number, now: number) => {
    const { rows } = await sql<ClaimedRow>`
      with picked as (
        select id from tasks
        where status not in ${terminal} and (lease_owner is null or lease_expires_at <= ${now})
        order by created_at, id
        limit ${limit}
        for update skip locked
      )
      update tasks set lease_owner = ${owner}, lease_epoch = tasks.lease_epoch + 1, lease_expires_at = ${now + ttlMs}
      from picked where tasks.id = picked.id
      returning tasks.id, tasks.lease_epoch as epoch, tasks.created_at
    `.execute(executor);
    // RETURNING keeps no order: oldest first again.
    return rows
      .sort((a, b) => Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((row): TaskLease => ({ taskId: row.id, owner, epoch: row.epoch, expiresAt: now + ttlMs }));
  };

  const countActive = async (executor: Kysely<StoreSchema>, now: number) => {
    const { rows } = await sql<{ count: number }>`
      select count(*)::integer as count from tasks where lease_owner is not null and lease_expires_at > ${now}
    `.execute(executor);
    return rows[0]?.count ?? 0;
  };

  return {
    claim: ({ owner, limit, ttlMs, now, maxActive }) =>
      run('claiming tasks', async () => {
        const wanted = Math.max(0, Math.floor(limit));
        if (wanted === 0) return [];
        if (maxActive === undefined) return claimRows(db, owner, wanted, ttlMs, now);
        return db.transaction().execute(async (trx) => {
          await sql`select pg_advisory_xact_lock(${claimLockKey})`.execute(trx);
          const room = Math.min(wanted, maxActive - (await countActive(trx, now)));
          return room > 0 ? claimRows(trx, owner, room, ttlMs, now) : [];
        });
      }),

    renew: (owner, leases, { ttlMs, now }) =>
      run('renewing leases', async () => {
        if (leases.length === 0) return { renewed: [], lost: [] };
        const { rows } = await sql<{ id: string; epoch: number }>`
          update tasks set lease_expires_at = ${now + ttlMs}
          where lease_owner = ${owner} and status not in ${terminal}
            and (id, lease_epoch) in (
              select * from unnest(${leases.map((lease) => lease.taskId)}::text[], ${leases.map((lease) => lease.epoch)}::integer[])
            )
          returning id, lease_epoch as epoch
        `.execute(db);
        const held = new Set(rows.map((row) => `${row.id}\n${row.epoch}`));
        const renewed: TaskLease[] = [];
        const lost: string[] = [];
        for (const { taskId, epoch } of leases) {
          if (held.has(`${taskId}\n${epoch}`)) renewed.push({ taskId, owner, epoch, expiresAt: now + ttlMs });
          else lost.push(taskId);
        }
        return { renewed, lost };
      }),

    release: ({ taskId, owner, epoch }) =>
      run(`releasing task ${taskId}`, async () => {
        await sql`
          update tasks set lease_owner = null, lease_expires_at = null
          where id = ${taskId} and lease_owner = ${owner} and lease_epoch = ${epoch}
        `.execute(db);
      }),

    countActive: (now) => run('counting active leases', () => countActive(db, now)),
  };
};
