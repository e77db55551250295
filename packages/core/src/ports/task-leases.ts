import type { Observable } from 'rxjs';

/**
 * Ownership of one unfinished task by one orchestrator instance. The epoch grows by one on every
 * claim of the task, so a write carrying an older epoch comes from an owner that lost the task.
 */
export interface TaskLease {
  taskId: string;
  owner: string;
  epoch: number;
  /** Epoch milliseconds; a renewal moves it on. */
  expiresAt: number;
}

/** The fence of a write: it is accepted only while the task's lease has this owner and epoch. */
export type LeaseFence = Pick<TaskLease, 'owner' | 'epoch'>;

export interface ClaimTasksOptions {
  owner: string;
  /** The most leases this call takes. */
  limit: number;
  /** How long a lease lasts without a renewal. */
  ttlMs: number;
  /** The caller's clock (epoch ms). Instances must agree on the time to well within `ttlMs`. */
  now: number;
  /**
   * Global concurrency: no claim is made while this many unexpired leases exist across all owners
   * (counting the caller's own). Absent: no global limit.
   */
  maxActive?: number;
}

/**
 * Leases over the tasks of a {@link TaskStore}, for several orchestrator instances on one store.
 * A store that can be shared implements it beside `TaskStore`; its `append` then honours the
 * `fence` argument. Every method is safe to call from many instances at once.
 */
export interface TaskLeases {
  /**
   * Claims unfinished tasks that have no lease or whose lease expired, oldest first, raising each
   * one's epoch. Two concurrent claims never return the same task. Returns the new leases.
   */
  claim(options: ClaimTasksOptions): Promise<TaskLease[]>;
  /**
   * Extends the caller's leases on these tasks to `now + ttlMs`. A task whose lease now has another
   * owner or epoch (or that ended) is returned in `lost`; its lease is left alone.
   */
  renew(
    owner: string,
    leases: readonly Pick<TaskLease, 'taskId' | 'epoch'>[],
    options: { ttlMs: number; now: number },
  ): Promise<{ renewed: TaskLease[]; lost: string[] }>;
  /** Gives the task up (the lease no longer counts as active). Nothing happens if it is not held. */
  release(lease: Pick<TaskLease, 'taskId' | 'owner' | 'epoch'>): Promise<void>;
  /** Unexpired leases across all owners, for the global concurrency limit. */
  countActive(now: number): Promise<number>;
}

/** One task's log grew: one append wrote the events `firstSeq` to `seq`. */
export interface TaskChange {
  type: 'appended';
  taskId: string;
  seq: number;
  /** The first event of that append, when the feed knows it. */
  firstSeq?: number;
}

/** The feed may have missed changes (its connection was lost and is back): read from the store. */
export interface TaskChangesResync {
  type: 'resync';
  /** Changes at or after this time (epoch ms) may have been missed. */
  since: number;
}

/**
 * Changes made to a shared store by any instance (PostgreSQL's LISTEN/NOTIFY, for one). A
 * notification carries no event: readers fetch from the store, so a repeated or late one is harmless.
 */
export interface TaskChangeFeed {
  readonly changes$: Observable<TaskChange | TaskChangesResync>;
}
