import { AmpoError, type LeaseFence, type TaskLease, type TaskLeases, terminalStatuses } from '@ampo/core';
import type { SqliteDatabase } from './sqlite-database.js';

const unfinished = `status not in (${[...terminalStatuses].map((status) => `'${status}'`).join(', ')})`;

interface LeaseRow {
  id: string;
  lease_owner: string | null;
  lease_epoch: number;
  lease_expires_at: number | null;
}

/**
 * Leases on the tasks table. SQLite serialises writers (`begin immediate`), so a claim is exact
 * without row locks: every instance on the file, in any process, sees one order of claims.
 */
export const createSqliteLeases = (raw: SqliteDatabase, immediate: <T>(doing: string, work: () => T) => T) => {
  const statements = {
    active: raw.prepare(`select count(*) as count from tasks where lease_owner is not null and lease_expires_at > @now and ${unfinished}`),
    claimable: raw.prepare(
      `select id, lease_epoch from tasks where ${unfinished} and (lease_owner is null or lease_expires_at <= @now) order by created_at asc, id asc limit @limit`,
    ),
    claim: raw.prepare('update tasks set lease_owner = @owner, lease_epoch = @epoch, lease_expires_at = @expires where id = @id'),
    renew: raw.prepare(
      `update tasks set lease_expires_at = @expires where id = @id and lease_owner = @owner and lease_epoch = @epoch and ${unfinished}`,
    ),
    release: raw.prepare(
      'update tasks set lease_owner = null, lease_expires_at = null where id = @id and lease_owner = @owner and lease_epoch = @epoch',
    ),
    lease: raw.prepare('select id, lease_owner, lease_epoch, lease_expires_at from tasks where id = @id'),
  };

  const leases: TaskLeases = {
    async claim({ owner, limit, ttlMs, now, maxActive }) {
      return immediate('claiming tasks', () => {
        const active = (statements.active.get({ now }) as { count: number }).count;
        const room = Math.min(limit, maxActive === undefined ? limit : maxActive - active);
        if (room <= 0) return [];
        const rows = statements.claimable.all({ now, limit: room }) as Array<{ id: string; lease_epoch: number }>;
        return rows.map((row): TaskLease => {
          const lease = { taskId: row.id, owner, epoch: row.lease_epoch + 1, expiresAt: now + ttlMs };
          statements.claim.run({ id: row.id, owner, epoch: lease.epoch, expires: lease.expiresAt });
          return lease;
        });
      });
    },
    async renew(owner, held, { ttlMs, now }) {
      return immediate('renewing leases', () => {
        const renewed: TaskLease[] = [];
        const lost: string[] = [];
        for (const lease of held) {
          const changed = statements.renew.run({ id: lease.taskId, owner, epoch: lease.epoch, expires: now + ttlMs }).changes;
          if (Number(changed) === 1) renewed.push({ taskId: lease.taskId, owner, epoch: lease.epoch, expiresAt: now + ttlMs });
          else lost.push(lease.taskId);
        }
        return { renewed, lost };
      });
    },
    async release(lease) {
      immediate('releasing a lease', () => statements.release.run({ id: lease.taskId, owner: lease.owner, epoch: lease.epoch }));
    },
    async countActive(now) {
      return (statements.active.get({ now }) as { count: number }).count;
    },
  };

  /** Inside an append's transaction: throws unless the task's lease has this owner and epoch. */
  const checkFence = (taskId: string, fence: LeaseFence) => {
    const row = statements.lease.get({ id: taskId }) as LeaseRow | undefined;
    if (row?.lease_owner === fence.owner && row.lease_epoch === fence.epoch) return;
    throw new AmpoError('conflict', `Task ${taskId} is no longer leased to ${fence.owner} at epoch ${fence.epoch}.`, {
      details: { taskId, fenced: true },
    });
  };

  return { leases, checkFence };
};
