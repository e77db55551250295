import type { TaskChange, TaskChangesResync } from '@ampo/core';
import { Observable, share } from 'rxjs';
import type { PgListenClient } from './postgres-pool.js';

/** The channel every append notifies on commit, with the payload `<taskId>:<firstSeq>:<seq>`. */
export const changesChannel = 'ampo_task_changes';

export interface ChangeFeedOptions {
  createClient: () => PgListenClient | Promise<PgListenClient>;
  now: () => number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ChangeFeed {
  readonly changes$: Observable<TaskChange | TaskChangesResync>;
  /** Ends the LISTEN connection and completes `changes$`. */
  close(): Promise<void>;
}

/** `<taskId>:<firstSeq>:<seq>`: the numbers are read from the end, so a task id may hold colons. */
const parsePayload = (payload: string | undefined): TaskChange | undefined => {
  const match = /^(.+):(\d+):(\d+)$/s.exec(payload ?? '');
  if (!match) return undefined;
  const [, taskId, firstSeq, seq] = match as unknown as [string, string, string, string];
  return { type: 'appended', taskId, seq: Number(seq), firstSeq: Number(firstSeq) };
};

/**
 * LISTEN on one dedicated connection while anyone subscribes. Each time the connection is up
 * (the first time too) it emits a `resync` from when the feed could have started missing
 * notifications; a lost connection is made again with exponential backoff.
 */
export const createChangeFeed = (options: ChangeFeedOptions): ChangeFeed => {
  const sessions = new Set<{ stop(): Promise<void>; complete(): void }>();
  let closed = false;

  const changes$ = new Observable<TaskChange | TaskChangesResync>((subscriber) => {
    if (closed) {
      subscriber.complete();
      return;
    }
    let stopped = false;
    let client: PgListenClient | undefined;
    let timer: NodeJS.Timeout | undefined;
    let attempt = 0;
    // Anything appended from here on until LISTEN holds may be missed.
    let lostAt: number | undefined = options.now();

    const reconnectLater = () => {
      if (stopped) return;
      const delay = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** attempt);
      attempt += 1;
      timer = setTimeout(() => void connect(), delay);
      timer.unref();
    };

    const connect = async () => {
      if (stopped) return;
      let failed = false;
      let current: PgListenClient | undefined;
      const fail = () => {
        if (failed) return;
        failed = true;
        if (client === current) client = undefined;
        lostAt ??= options.now();
        current?.end().catch(() => {});
        reconnectLater();
      };
      try {
        current = await options.createClient();
        client = current;
        current.on('error', fail);
        current.on('end', fail);
        current.on('notification', (message) => {
          if (message.channel !== changesChannel) return;
          const change = parsePayload(message.payload);
          if (change && !stopped) subscriber.next(change);
        });
        await current.connect();
        await current.query(`listen ${changesChannel}`);
      } catch {
        fail();
        return;
      }
      if (stopped) {
        // Unsubscribed or closed while connecting: this connection is nobody's to end otherwise.
        failed = true;
        current.end().catch(() => {});
        return;
      }
      if (failed) return;
      attempt = 0;
      const since = lostAt ?? options.now();
      lostAt = undefined;
      subscriber.next({ type: 'resync', since });
    };

    const session = {
      async stop() {
        stopped = true;
        if (timer) clearTimeout(timer);
        const open = client;
        client = undefined;
        await open?.end().catch(() => {});
      },
      complete: () => subscriber.complete(),
    };
    sessions.add(session);
    void connect();
    return () => {
      sessions.delete(session);
      void session.stop();
    };
  }).pipe(share());

  return {
    changes$,
    async close() {
      closed = true;
      const open = [...sessions];
      sessions.clear();
      await Promise.all(open.map((session) => session.stop()));
      for (const session of open) session.complete();
    },
  };
};
