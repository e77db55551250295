import type { CancelTimer, Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { TaskLease, TaskLeases } from '../ports/task-leases.js';

export interface LeaseSettings {
  /**
   * This process's name on its leases, unique among the instances. (`instanceId` names the
   * deployment, which instances share so that each finds the others' workspaces.)
   * @default the instance id and a random suffix
   */
  owner?: string;
  /** How long a lease lasts without a renewal; a crashed instance's tasks move on after it. @default 30 s */
  ttlMs?: number;
  /** How often leases are renewed and free tasks claimed. @default a third of `ttlMs` */
  intervalMs?: number;
  /** Tasks running at once across all instances on the store. Absent: only the per-instance limit. */
  maxActive?: number;
}

/** The leases one orchestrator instance holds, renewed and topped up on a timer. */
export interface TaskOwnership {
  held(taskId: string): TaskLease | undefined;
  /** Renews and claims now (coalesced with a cycle under way). */
  poke(): void;
  /** Forgets a lease the store says is no longer ours. */
  forget(taskId: string): void;
  /** Gives a lease up (its task ended, or this instance stops). */
  release(taskId: string): Promise<void>;
  start(): void;
  /** Stops the timer and releases every lease, so other instances take the tasks over at once. */
  stop(): Promise<void>;
}

export interface TaskOwnershipOptions {
  leases: TaskLeases;
  clock: Clock;
  logger: Logger;
  owner: string;
  settings: LeaseSettings;
  /** How many more tasks this instance may take now. */
  capacity(held: number): number;
  /** A new lease: load the task and carry it on. */
  onClaimed(lease: TaskLease): Promise<void>;
  /** A lease renewal found the task owned by someone else (or ended): stop its effects now. */
  onLost(taskId: string, lease: TaskLease): void;
}

export const createTaskOwnership = (options: TaskOwnershipOptions): TaskOwnership => {
  const { leases, clock, logger, owner } = options;
  const ttlMs = options.settings.ttlMs ?? 30_000;
  const intervalMs = options.settings.intervalMs ?? Math.max(100, Math.floor(ttlMs / 3));
  const held = new Map<string, TaskLease>();
  let timer: CancelTimer | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let active = false;

  const renew = async () => {
    if (held.size === 0) return;
    const { renewed, lost } = await leases.renew(owner, [...held.values()], { ttlMs, now: clock.now() });
    for (const lease of renewed) if (held.has(lease.taskId)) held.set(lease.taskId, lease);
    for (const taskId of lost) {
      const lease = held.get(taskId);
      if (!lease) continue;
      held.delete(taskId);
      options.onLost(taskId, lease);
    }
  };

  const claim = async () => {
    const limit = options.capacity(held.size);
    if (limit <= 0) return;
    const claimed = await leases.claim({
      owner,
      limit,
      ttlMs,
      now: clock.now(),
      ...(options.settings.maxActive === undefined ? {} : { maxActive: options.settings.maxActive }),
    });
    for (const lease of claimed) {
      held.set(lease.taskId, lease);
      logger.info('claimed a task', { taskId: lease.taskId, epoch: lease.epoch });
      await options.onClaimed(lease).catch((error: unknown) => {
        logger.error('could not take a claimed task over', { taskId: lease.taskId, error: String(error) });
      });
    }
  };

  const cycle = async () => {
    do {
      again = false;
      try {
        await renew();
        if (active) await claim();
      } catch (error) {
        logger.warn('lease cycle failed; retrying on the next tick', { error: String(error) });
      }
    } while (again && active);
  };

  const schedule = () => {
    timer?.();
    if (!active) return;
    timer = clock.setTimer(intervalMs, () => ownership.poke());
  };

  const ownership: TaskOwnership = {
    held: (taskId) => held.get(taskId),
    poke() {
      if (!active) return;
      if (running) {
        again = true;
        return;
      }
      running = cycle().finally(() => {
        running = undefined;
        schedule();
      });
    },
    forget(taskId) {
      held.delete(taskId);
    },
    async release(taskId) {
      const lease = held.get(taskId);
      if (!lease) return;
      held.delete(taskId);
      await leases.release(lease).catch((error: unknown) => {
        logger.warn('could not release a lease; it will expire', { taskId, error: String(error) });
      });
      ownership.poke();
    },
    start() {
      active = true;
      ownership.poke();
    },
    async stop() {
      active = false;
      timer?.();
      timer = undefined;
      await running;
      const all = [...held.values()];
      held.clear();
      await Promise.all(all.map((lease) => leases.release(lease).catch(() => undefined)));
    },
  };
  return ownership;
};
