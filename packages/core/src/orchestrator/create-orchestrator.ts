import { filter, Subject } from 'rxjs';
import type { OrchestratorEvent } from '../domain/events.js';
import { CreateTask, isTerminalStatus } from '../domain/task.js';
import type { Task } from '../domain/task-state.js';
import { AmpoError } from '../errors.js';
import type { Effect } from '../machine/effects.js';
import { resumeEffects } from '../machine/resume.js';
import { defaultRetryPolicy } from '../machine/retry-policy.js';
import { defaultMachineOptions, type MachineOptions, transition } from '../machine/transition.js';
import { systemClock } from '../ports/clock.js';
import { silentLogger } from '../ports/logger.js';
import type { TaskLease } from '../ports/task-leases.js';
import type { LogChunk } from '../ports/task-store.js';
import { createRedactor } from '../redaction.js';
import { type EffectEnvironment, runEffect } from './effect-runners.js';
import { foldEvents } from './fold-events.js';
import type { Orchestrator, OrchestratorOptions, OrchestratorPorts } from './orchestrator-api.js';
import { createRemoteEventRelay } from './remote-events.js';
import { branchFor } from './task-branch.js';
import { replayThenFollow } from './task-event-stream.js';
import type { EventInput, TaskHandle } from './task-handle.js';
import { createTaskOwnership } from './task-ownership.js';
import { defaultRepositoryDirectory } from './workspace-commands.js';

export type { CreateTaskOptions, Orchestrator, OrchestratorOptions, OrchestratorPorts } from './orchestrator-api.js';

const randomId = () => globalThis.crypto.randomUUID();
const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;

/** Key-order-independent JSON, to tell whether two requests are the same. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );

/** Effects that finish a task (each short): a stop waits for them rather than cutting them off. */
const finishingEffects: ReadonlySet<Effect['type']> = new Set(['update-pull-request', 'remove-workspace']);

/**
 * The interpreter: runs the effects of the pure `transition` through the ports, persisting every
 * event before publishing it.
 */
export const createOrchestrator = (ports: OrchestratorPorts, options: OrchestratorOptions = {}): Orchestrator => {
  const clock = ports.clock ?? systemClock;
  const logger = ports.logger ?? silentLogger;
  const machine: MachineOptions = { ...defaultMachineOptions, ...options.machine };
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const redactor = createRedactor(options.secrets ?? []);
  const instanceId = options.instanceId ?? `ampo-${randomId().slice(0, 8)}`;
  const events = new Subject<OrchestratorEvent>();
  const logs = new Subject<LogChunk>();
  const handles = new Map<string, TaskHandle>();
  const queue: string[] = [];
  const running = new Set<string>();
  /** createTask calls under way per idempotency key, so that concurrent retries create one task. */
  const creating = new Map<string, Promise<Task>>();
  let stopped = false;

  const newHandle = (state: Task): TaskHandle => {
    const handle: TaskHandle = {
      id: state.id,
      state,
      pending: [],
      chain: Promise.resolve(),
      draining: false,
      generation: 0,
      inFlight: new Set(),
      timers: new Set(),
      pendingLogs: [],
      logChain: Promise.resolve(),
      drainingLogs: false,
      behind: false,
      abandoned: false,
    };
    handles.set(state.id, handle);
    return handle;
  };

  /** Short effects of a task that is ending: `stop` waits for them, so a stop right after the end leaves no container or lock behind. */
  const settling = new Set<Promise<unknown>>();
  const runEffects = (handle: TaskHandle, effects: readonly Effect[]) => {
    // With leases, only the owner acts; a write by another instance reaches the owner through the store.
    if (ownership && !ownership.held(handle.id)) return;
    if (handle.abandoned) return;
    for (const effect of effects) {
      const running = runEffect(environment, handle, effect).catch((error: unknown) => {
        const failure = AmpoError.from(error);
        logger.warn('effect failed', {
          taskId: handle.id,
          effect: effect.type,
          code: failure.code,
          error: redactor.redact(failure.message),
        });
        void emit(handle, {
          type: 'task-error',
          code: failure.code,
          message: redactor.redact(failure.message),
          retryable: failure.retryable,
        });
      });
      if (finishingEffects.has(effect.type)) {
        settling.add(running);
        void running.finally(() => settling.delete(running));
      }
    }
  };

  /**
   * Records events in order: each is persisted before it is published and acted on. Events queue
   * per task and are appended in batches (see `foldEvents`), so a burst of agent output costs one
   * transaction, not one per line. Resolves once the event is recorded (or dropped as stale).
   */
  const emit = (handle: TaskHandle, input: EventInput, generation?: number): Promise<void> => {
    const recorded = new Promise<void>((resolve) => handle.pending.push({ input, generation, recorded: resolve }));
    if (!handle.draining) handle.chain = drainEvents(handle);
    return recorded;
  };

  const maxBatch = 500;
  const drainEvents = async (handle: TaskHandle) => {
    handle.draining = true;
    let conflicts = 0;
    try {
      while (handle.pending.length > 0 || handle.behind) {
        if (handle.abandoned) {
          for (const item of handle.pending.splice(0)) item.recorded();
          break;
        }
        if (handle.behind) await catchUp(handle);
        if (handle.pending.length === 0) continue;
        const queued = handle.pending.slice(0, maxBatch);
        const folded = foldEvents(
          handle.state,
          queued.map((item) => item.input),
          {
            at: clock.now(),
            machine,
            skip: (index) => stopped || (queued[index]?.generation !== undefined && queued[index]?.generation !== handle.generation),
          },
        );
        try {
          if (folded.appended.length > 0) {
            const fence = ownership?.held(handle.id);
            await ports.store.append(handle.id, folded.appended, folded.state, fence ? { fence } : undefined);
            handle.state = folded.state;
            for (const item of folded.appended) publish(item);
            if (isTerminalStatus(folded.state.status)) {
              for (const cancel of handle.timers) cancel();
              handle.timers.clear();
            }
            runEffects(handle, folded.effects);
          }
          conflicts = 0;
        } catch (error) {
          if (ownership && AmpoError.isInstance(error) && error.code === 'conflict') {
            if (error.details?.fenced === true) {
              abandon(handle);
              continue;
            }
            // Another instance appended first (a cancel, a message): read its events, then fold ours again.
            if (conflicts++ < 5) {
              handle.behind = true;
              continue;
            }
          }
          logger.error('could not record events', {
            taskId: handle.id,
            types: [...new Set(queued.slice(0, folded.taken).map((item) => item.input.type))].join(','),
            error: redactor.redact(String(error)),
          });
        }
        for (const item of handle.pending.splice(0, folded.taken)) item.recorded();
      }
    } finally {
      handle.draining = false;
    }
  };

  const maxPublishedTasks = 10_000;
  /** Publishes an event once per instance (with leases, the store's change feed repeats our own). */
  const published = new Map<string, number>();
  const publish = (event: OrchestratorEvent) => {
    if (ownership) {
      if (event.seq <= (published.get(event.taskId) ?? 0)) return;
      published.set(event.taskId, event.seq);
      // Bounded: the oldest entry goes first; a late change of its task is read from its own seq.
      if (published.size > maxPublishedTasks) published.delete(published.keys().next().value as string);
    }
    events.next(event);
  };

  /** Folds what other instances appended to the task, and acts on it if this instance owns it. */
  const catchUp = async (handle: TaskHandle) => {
    handle.behind = false;
    const stored = await ports.store.readEvents(handle.id, { afterSeq: handle.state.lastSeq });
    for (const event of stored) {
      if (event.seq !== handle.state.lastSeq + 1) break;
      const [next, effects] = transition(handle.state, event, machine);
      handle.state = next;
      publish(event);
      if (isTerminalStatus(next.status)) {
        for (const cancel of handle.timers) cancel();
        handle.timers.clear();
      }
      runEffects(handle, effects);
    }
  };

  /** This instance no longer owns the task: stop everything it does for it, at once. */
  const abandon = (handle: TaskHandle) => {
    if (handle.abandoned) return;
    logger.warn('another instance owns this task now: stopping its work here', { taskId: handle.id });
    handle.abandoned = true;
    handle.generation += 1;
    for (const cancel of handle.timers) cancel();
    handle.timers.clear();
    for (const inFlight of handle.inFlight) inFlight.detach();
    handle.inFlight.clear();
    ownership?.forget(handle.id);
    if (handles.get(handle.id) === handle) handles.delete(handle.id);
  };

  /** A claimed task: load it as stored and carry it on from its last durable step. */
  const takeOver = async (lease: TaskLease) => {
    const stored = await ports.store.getTask(lease.taskId);
    if (!stored) return;
    const previous = handles.get(lease.taskId);
    if (previous) {
      await previous.chain;
      handles.delete(lease.taskId);
    }
    const handle = newHandle(stored);
    for (const event of await ports.store.readEvents(stored.id, { afterSeq: published.get(stored.id) ?? stored.lastSeq })) publish(event);
    logger.info('carrying a task on', { taskId: stored.id, status: stored.status, epoch: lease.epoch });
    runEffects(
      handle,
      resumeEffects(stored, clock.now()).filter((effect) => effect.type !== 'request-slot'),
    );
    if (stored.status === 'queued') await emit(handle, { type: 'task-started' });
  };

  const ownership = ports.leases
    ? createTaskOwnership({
        leases: ports.leases,
        clock,
        logger,
        owner: options.leases?.owner ?? `${instanceId}/${randomId().slice(0, 8)}`,
        settings: options.leases ?? {},
        capacity: (held) => concurrency - held,
        onClaimed: takeOver,
        onLost: (taskId, lease) => {
          const handle = handles.get(taskId);
          if (handle && !isTerminalStatus(handle.state.status)) {
            logger.warn('lost the lease of a task: stopping its work here', { taskId });
            return abandon(handle);
          }
          // A renewal that raced the task's end reports it lost too: its clean-up goes on, and its
          // lease is given up (a no-op if another instance holds it now) so that it stops counting.
          void ports.leases?.release(lease).catch(() => undefined);
        },
      })
    : undefined;

  /** Stores log chunks in order, in batches, then publishes them. */
  const drainLogs = async (handle: TaskHandle) => {
    handle.drainingLogs = true;
    try {
      while (handle.pendingLogs.length > 0) {
        const batch = handle.pendingLogs.splice(0, maxBatch);
        try {
          for (const stored of await ports.store.appendLogs(handle.id, batch)) logs.next(stored);
        } catch (error) {
          logger.warn('could not store log chunks', { taskId: handle.id, error: redactor.redact(String(error)) });
        }
      }
    } finally {
      handle.drainingLogs = false;
    }
  };

  const pump = () => {
    while (!stopped && running.size < concurrency && queue.length > 0) {
      const id = queue.shift() as string;
      const handle = handles.get(id);
      if (handle?.state.status !== 'queued') continue;
      running.add(id);
      void emit(handle, { type: 'task-started' });
    }
  };

  const environment: EffectEnvironment = {
    ...ports,
    clock,
    logger,
    redactor,
    instanceId,
    repositoryDirectory: options.repositoryDirectory ?? defaultRepositoryDirectory,
    commitAuthor: options.commitAuthor ?? { name: 'ampo', email: 'ampo@localhost' },
    infrastructureRetry: options.infrastructureRetry ?? defaultRetryPolicy,
    emit,
    log(handle, stream, text, source) {
      handle.pendingLogs.push({ at: clock.now(), stream, text: redactor.redact(text), ...(source ? { source } : {}) });
      if (!handle.drainingLogs) handle.logChain = drainLogs(handle);
    },
    requestSlot(handle) {
      // With leases the claim is the slot: a queued task runs once some instance claims it.
      if (ownership) return ownership.poke();
      if (!queue.includes(handle.id)) queue.push(handle.id);
      pump();
    },
    releaseSlot(handle) {
      if (ownership) return void ownership.release(handle.id);
      running.delete(handle.id);
      pump();
    },
  };

  const handleFor = async (taskId: string): Promise<TaskHandle> => {
    const known = handles.get(taskId);
    if (known) return known;
    const stored = await ports.store.getTask(taskId);
    if (!stored) throw new AmpoError('not-found', `No task ${taskId}.`);
    return handles.get(taskId) ?? newHandle(stored);
  };

  /** Runs `use` on the task's handle; with leases, a task owned elsewhere is read afresh each time. */
  const withHandle = async <T>(taskId: string, use: (handle: TaskHandle) => Promise<T>): Promise<T> => {
    const handle = await handleFor(taskId);
    try {
      return await use(handle);
    } finally {
      if (ownership && !ownership.held(taskId) && handles.get(taskId) === handle) handles.delete(taskId);
    }
  };

  const relay = createRemoteEventRelay({
    store: ports.store,
    logger,
    lastPublished: (taskId) => published.get(taskId),
    publish,
    owns: (taskId) => Boolean(ownership?.held(taskId) && handles.has(taskId)),
    onOwnedTaskChanged(taskId, seq) {
      const handle = handles.get(taskId);
      if (!handle || seq <= handle.state.lastSeq) return;
      handle.behind = true;
      if (!handle.draining) handle.chain = drainEvents(handle);
    },
    onWorkAvailable: () => ownership?.poke(),
  });
  let changesSubscription: { unsubscribe(): void } | undefined;

  /** Removes workspaces of tasks that ended (or are unknown) but whose removal a crash cut short. */
  const removeLeftoverWorkspaces = async () => {
    for (const workspace of await ports.runtime.list({ 'ampo.role': 'workspace' })) {
      const task = await ports.store.getTask(workspace.taskId);
      if (task && !isTerminalStatus(task.status)) continue;
      logger.info('removing the workspace of a finished task', { taskId: workspace.taskId, workspaceId: workspace.id });
      await ports.runtime.remove(workspace.id);
      if (task && !task.workspaceRemoved && task.workspaceId === workspace.id)
        await emit(handles.get(task.id) ?? newHandle(task), { type: 'workspace-removed' });
    }
  };

  const assertRunning = () => {
    if (stopped) throw new AmpoError('unavailable', 'The orchestrator is stopped.');
  };

  const insertTask = async (request: CreateTask, idempotencyKey?: string): Promise<Task> => {
    const id = randomId();
    const at = clock.now();
    const created: OrchestratorEvent = {
      type: 'task-created',
      taskId: id,
      seq: 1,
      at,
      request,
      branch: branchFor(id, request),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    };
    const [state, effects] = transition(undefined, created, machine);
    await ports.store.append(id, [created], state);
    publish(created);
    if (ownership) {
      ownership.poke();
      return state;
    }
    runEffects(newHandle(state), effects);
    return state;
  };

  const sameRequestOrConflict = (task: Task, request: CreateTask, key: string): Task => {
    if (canonical(task.request) === canonical(request)) return task;
    throw new AmpoError('conflict', `The idempotency key ${key} was already used for a different request (task ${task.id}).`, {
      details: { taskId: task.id },
    });
  };

  /** Returns the task created with `key`, creating it when there is none (another process may race us). */
  const createOnce = async (request: CreateTask, key: string): Promise<Task> => {
    const existing = await ports.store.findByIdempotencyKey(key);
    if (existing) return sameRequestOrConflict(existing, request, key);
    try {
      return await insertTask(request, key);
    } catch (error) {
      if (!AmpoError.isInstance(error) || error.details?.idempotencyKey !== key) throw error;
      const winner = await ports.store.findByIdempotencyKey(key);
      if (!winner) throw error;
      return sameRequestOrConflict(winner, request, key);
    }
  };

  return {
    events$: events.asObservable(),
    logs$: logs.asObservable(),
    taskEvents$: (taskId, streamOptions = {}) =>
      replayThenFollow(
        events.pipe(filter((event) => event.taskId === taskId)),
        (afterSeq) => ports.store.readEvents(taskId, { afterSeq }),
        streamOptions.afterSeq ?? 0,
      ),
    async createTask(input, createOptions = {}) {
      assertRunning();
      const parsed = CreateTask.safeParse(input);
      if (!parsed.success) {
        const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
        throw new AmpoError('invalid-input', `Invalid task: ${reasons.join('; ')}`, { details: { issues: reasons } });
      }
      const key = createOptions.idempotencyKey;
      if (key !== undefined && !idempotencyKeyPattern.test(key)) {
        throw new AmpoError('invalid-input', 'An idempotency key must be 1 to 200 printable ASCII characters without spaces.');
      }
      const repo = ports.source.resolveRepo ? await ports.source.resolveRepo(parsed.data.repo) : parsed.data.repo;
      const request = { ...parsed.data, repo };
      if (key === undefined) return insertTask(request);
      const earlier = creating.get(key);
      if (earlier) return sameRequestOrConflict(await earlier, request, key);
      const attempt = createOnce(request, key);
      creating.set(key, attempt);
      try {
        return await attempt;
      } finally {
        creating.delete(key);
      }
    },
    getTask: (taskId) => ports.store.getTask(taskId),
    listTasks: (query) => ports.store.listTasks(query),
    readEvents: (taskId, readOptions) => ports.store.readEvents(taskId, readOptions),
    readLogs: (taskId, readOptions) => ports.store.readLogs(taskId, readOptions),
    async cancelTask(taskId, reason) {
      assertRunning();
      return withHandle(taskId, async (handle) => {
        if (!isTerminalStatus(handle.state.status)) {
          await emit(handle, { type: 'task-cancel-requested', ...(reason ? { reason } : {}) });
        }
        return handle.state;
      });
    },
    async sendMessage(taskId, text, author) {
      assertRunning();
      const trimmed = text.trim();
      if (trimmed.length === 0 || trimmed.length > 20_000)
        throw new AmpoError('invalid-input', 'A message must have 1 to 20000 characters.');
      return withHandle(taskId, async (handle) => {
        if (isTerminalStatus(handle.state.status)) {
          throw new AmpoError('conflict', `Task ${taskId} is ${handle.state.status}; it takes no more messages.`);
        }
        await emit(handle, { type: 'message-received', text: redactor.redact(trimmed), ...(author ? { author } : {}) });
        return handle.state;
      });
    },
    async start() {
      stopped = false;
      await removeLeftoverWorkspaces();
      if (ownership) {
        changesSubscription ??= ports.changes?.changes$.subscribe((change) => relay.handle(change));
        ownership.start();
        return;
      }
      const unfinished = await ports.store.listUnfinished();
      for (const task of unfinished) {
        if (handles.has(task.id)) continue;
        const handle = newHandle(task);
        if (task.status !== 'queued') running.add(task.id);
        logger.info('resuming task', { taskId: task.id, status: task.status });
        runEffects(handle, resumeEffects(task, clock.now()));
      }
    },
    async stop() {
      stopped = true;
      changesSubscription?.unsubscribe();
      changesSubscription = undefined;
      for (const handle of handles.values()) {
        for (const cancel of handle.timers) cancel();
        handle.timers.clear();
        for (const inFlight of handle.inFlight) inFlight.detach();
        handle.inFlight.clear();
      }
      await Promise.allSettled([...settling]);
      await Promise.all([...handles.values()].flatMap((handle) => [handle.chain, handle.logChain]));
      await ownership?.stop();
      handles.clear();
      queue.length = 0;
      running.clear();
    },
  };
};
