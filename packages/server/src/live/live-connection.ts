import {
  AmpoError,
  LiveClientMessage,
  type LiveServerMessage,
  type Logger,
  liveCloseCodes,
  type Orchestrator,
  type OrchestratorEvent,
} from '@ampo/core';
import { auditTime, filter, Subject, type Subscription } from 'rxjs';
import type { Principal } from '../auth/scopes.js';
import type { ResolvedLiveSettings } from './live-settings.js';
import { followInOrder } from './ordered-feed.js';

/** The slice of a WebSocket the server uses (the `ws` package's WebSocket has it). */
export interface LiveSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written to the network. */
  readonly bufferedAmount: number;
}

export interface LiveConnection {
  receive(data: string | ArrayBuffer | Uint8Array): void;
  /** Closes with `code`; idempotent. */
  close(code: number, reason: string): void;
  /** The socket closed from the other side. */
  closed(): void;
}

const describe = (error: unknown) => (AmpoError.isInstance(error) ? error.message : 'The server could not read what you asked for.');

/**
 * One client of the live WebSocket: parses its messages, runs its subscriptions (stored items
 * first, then live ones, each exactly once), heartbeats, and closes it with a documented code
 * when it misbehaves or cannot keep up. Nothing is buffered past `maxBufferedBytes`.
 */
export const createLiveConnection = (context: {
  socket: LiveSocket;
  orchestrator: Orchestrator;
  logger: Logger;
  principal: Principal;
  settings: ResolvedLiveSettings;
  /** The orchestrator's clock, for the `at` of live messages. */
  now: () => number;
}): LiveConnection => {
  const { socket, orchestrator, logger, settings, now } = context;
  const subscriptions = new Map<string, Subscription>();
  let invalidMessages = 0;
  let closed = false;

  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    for (const subscription of subscriptions.values()) subscription.unsubscribe();
    subscriptions.clear();
    try {
      socket.close(code, reason);
    } catch (error) {
      logger.debug('closing a live socket failed', { error: (error as Error).message });
    }
  };

  const send = (message: LiveServerMessage) => {
    if (closed) return;
    const text = JSON.stringify(message);
    if (socket.bufferedAmount + text.length > settings.maxBufferedBytes) {
      logger.warn('live client too slow, closing it', { subject: context.principal.subject, buffered: socket.bufferedAmount });
      close(liveCloseCodes.slowConsumer, 'too slow: more was waiting than the server buffers');
      return;
    }
    socket.send(text);
  };

  /** Before each replayed page: wait while the socket holds more than half its allowance. */
  const drained = async () => {
    const deadline = Date.now() + settings.drainTimeoutMs;
    while (!closed && socket.bufferedAmount > settings.maxBufferedBytes / 2) {
      if (Date.now() > deadline) {
        close(liveCloseCodes.slowConsumer, 'too slow: the replay could not be delivered');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const fail = (id: string, error: unknown) => {
    logger.warn('live subscription failed', { id, error: (error as Error).message });
    send({ type: 'error', id, code: AmpoError.isInstance(error) ? error.code : 'internal', message: describe(error) });
    subscriptions.get(id)?.unsubscribe();
    subscriptions.delete(id);
  };

  const reject = (message: string, id?: string) => {
    invalidMessages += 1;
    send({ type: 'error', ...(id ? { id } : {}), code: 'invalid-input', message });
    if (invalidMessages >= settings.maxInvalidMessages) close(liveCloseCodes.invalidMessages, 'too many invalid messages');
  };

  const taskEvents = (taskId: string) => orchestrator.events$.pipe(filter((event) => event.taskId === taskId));

  const subscribeTask = async (id: string, taskId: string, afterSeq: number) => {
    if (!(await orchestrator.getTask(taskId))) return fail(id, new AmpoError('not-found', `There is no task ${taskId}.`));
    if (closed || !subscriptions.has(id)) return;
    subscriptions.get(id)?.add(
      followInOrder<OrchestratorEvent>({
        live$: taskEvents(taskId),
        read: (after, limit) => orchestrator.readEvents(taskId, { afterSeq: after, limit }),
        afterSeq,
        deliver: (event) => send({ type: 'event', id, event }),
        caughtUp: () => send({ type: 'caught-up', id, at: now() }),
        onError: (error) => fail(id, error),
        beforePage: drained,
      }),
    );
  };

  const subscribeLogs = async (id: string, taskId: string, afterSeq: number) => {
    if (!(await orchestrator.getTask(taskId))) return fail(id, new AmpoError('not-found', `There is no task ${taskId}.`));
    if (closed || !subscriptions.has(id)) return;
    subscriptions.get(id)?.add(
      followInOrder({
        live$: orchestrator.logs$.pipe(filter((chunk) => chunk.taskId === taskId)),
        read: (after, limit) => orchestrator.readLogs(taskId, { afterSeq: after, limit }),
        afterSeq,
        pageSize: 1000,
        // Logs reach live$ only on the instance that runs the task; the task's events reach every
        // instance, so each of them (at most 4 a second) has the store read for new chunks.
        nudge$: taskEvents(taskId).pipe(auditTime(250)),
        deliver: (chunk) => send({ type: 'log', id, chunk }),
        caughtUp: () => send({ type: 'caught-up', id, at: now() }),
        onError: (error) => fail(id, error),
        beforePage: drained,
      }),
    );
  };

  /** Every task: the ones to resume are replayed from their cursors, others followed from their next event. */
  const subscribeAll = async (id: string, cursors: Record<string, number>, since: number | undefined) => {
    const subscription = subscriptions.get(id);
    if (!subscription) return;
    const resume = new Map(Object.entries(cursors));
    if (since !== undefined) {
      let cursor: string | undefined;
      do {
        const page = await orchestrator.listTasks({ updatedSince: since, limit: 500, ...(cursor ? { cursor } : {}) });
        for (const task of page.tasks) if (!resume.has(task.id)) resume.set(task.id, 0);
        cursor = page.nextCursor;
      } while (cursor && resume.size < settings.maxReplayedTasks);
    }
    if (closed || subscription.closed) return;
    const feeds = new Map<string, Subject<OrchestratorEvent>>();
    let pending = 0;
    let started = false;
    const caughtUp = () => {
      pending -= 1;
      if (started && pending === 0) send({ type: 'caught-up', id, at: now() });
    };
    const feed = (taskId: string, afterSeq: number, replay: boolean) => {
      const live = new Subject<OrchestratorEvent>();
      feeds.set(taskId, live);
      if (replay) pending += 1;
      subscription.add(
        followInOrder<OrchestratorEvent>({
          live$: live,
          read: (after, limit) => orchestrator.readEvents(taskId, { afterSeq: after, limit }),
          afterSeq,
          deliver: (event) => send({ type: 'event', id, event }),
          ...(replay ? { caughtUp } : {}),
          onError: (error) => fail(id, error),
          beforePage: drained,
        }),
      );
      return live;
    };
    subscription.add(
      orchestrator.events$.subscribe((event) => {
        (feeds.get(event.taskId) ?? feed(event.taskId, event.seq - 1, false)).next(event);
      }),
    );
    for (const [taskId, afterSeq] of [...resume].slice(0, settings.maxReplayedTasks)) feed(taskId, afterSeq, true);
    started = true;
    if (pending === 0) send({ type: 'caught-up', id, at: now() });
  };

  const handle = (message: LiveClientMessage) => {
    if (message.type === 'ping') return send({ type: 'pong', at: now() });
    if (message.type === 'unsubscribe') {
      subscriptions.get(message.id)?.unsubscribe();
      subscriptions.delete(message.id);
      return send({ type: 'unsubscribed', id: message.id });
    }
    if (subscriptions.has(message.id)) return reject(`A subscription named ${message.id} is already open.`, message.id);
    if (subscriptions.size >= settings.maxSubscriptions) {
      return close(liveCloseCodes.tooManySubscriptions, `at most ${settings.maxSubscriptions} subscriptions per connection`);
    }
    const subscription = new Subject<never>().subscribe();
    subscriptions.set(message.id, subscription);
    const started =
      message.type === 'subscribe'
        ? subscribeTask(message.id, message.taskId, message.afterSeq)
        : message.type === 'subscribe-logs'
          ? subscribeLogs(message.id, message.taskId, message.afterSeq)
          : subscribeAll(message.id, message.cursors, message.since);
    started.catch((error: unknown) => fail(message.id, error));
  };

  const heartbeat = setInterval(() => send({ type: 'heartbeat', at: now() }), settings.heartbeatMs);
  heartbeat.unref?.();
  const lifetime = setTimeout(
    () => close(liveCloseCodes.sessionExpired, 'the connection reached its lifetime; reconnect with a fresh credential'),
    Math.max(
      1_000,
      Math.min(
        settings.maxConnectionMs,
        context.principal.via === 'ticket' ? settings.maxConnectionMs : context.principal.expiresAt - now(),
      ),
    ),
  );
  lifetime.unref?.();
  send({ type: 'welcome', at: now(), heartbeatMs: settings.heartbeatMs });

  return {
    receive(data) {
      if (closed) return;
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      if (size > settings.maxMessageBytes)
        return close(liveCloseCodes.messageTooBig, `frames are at most ${settings.maxMessageBytes} bytes`);
      if (typeof data !== 'string') return reject('Send JSON in text frames.');
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return reject('That frame is not JSON.');
      }
      const parsed = LiveClientMessage.safeParse(json);
      if (!parsed.success) {
        const id = typeof (json as { id?: unknown } | null)?.id === 'string' ? String((json as { id: string }).id).slice(0, 64) : undefined;
        const reasons = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`);
        return reject(`That message is not one the server takes: ${reasons.join('; ')}.`, id);
      }
      handle(parsed.data);
    },
    close,
    closed() {
      close(1000, 'closed');
    },
  };
};
