import type { LiveClientMessageInput, LiveServerMessage } from '@ampo/core/wire';
import { type ReconnectSettings, reconnectDelay } from './backoff.js';
import type { HttpClient } from './http-client.js';
import { AmpoRequestError } from './request-error.js';

/**
 * `idle`: nothing is subscribed, so no socket is open. `connecting`: the first connection is
 * being made. `online`: the server welcomed us. `reconnecting`: the connection dropped and is
 * being made again. `offline`: several attempts in a row failed, or the browser says it is offline;
 * it keeps trying.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed attempts in a row since the connection was last online. */
  attempt: number;
  /** How many times a dropped connection was made again and its subscriptions resumed. */
  resumes: number;
  /** Why the last attempt failed or the connection dropped. */
  error?: string;
}

/** The slice of the WebSocket API the client uses; the browser's and the `ws` package's both have it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A subscription request; the connection gives it its id. */
export type LiveSubscribeRequest = WithoutId<Extract<LiveClientMessageInput, { type: 'subscribe' | 'subscribe-all' | 'subscribe-logs' }>>;
/** What the server sends for one subscription. */
export type LiveSubscriptionMessage = Extract<LiveServerMessage, { type: 'caught-up' | 'event' | 'log' | 'unsubscribed' | 'error' }>;

export interface LiveSubscription {
  /** Drops this subscription and makes it anew (with a fresh `build()`), e.g. after a gap. */
  restart(): void;
  close(): void;
}

export interface LiveConnection {
  /**
   * Subscribes while the returned handle is open. `build` is called each time the request is
   * sent — on the first connection and after every reconnect — so it can carry the latest seq
   * the caller holds; `resumeSince` is the server time of the last message before the drop.
   */
  subscribe(
    build: (resume: { resumeSince?: number }) => LiveSubscribeRequest,
    onMessage: (message: LiveSubscriptionMessage) => void,
  ): LiveSubscription;
  getState(): ConnectionState;
  onStateChange(listener: () => void): () => void;
  /** Checks the connection now: a ping when open, a new attempt at once when not. */
  check(): void;
  /** Closes the socket; the connection reopens when something subscribes again. Used by tests to cut it. */
  drop(): void;
  dispose(): void;
}

export interface LiveConnectionSettings {
  baseUrl: string;
  http: HttpClient;
  WebSocket: WebSocketConstructor | undefined;
  reconnect?: ReconnectSettings;
  /** How long the socket stays open after the last subscription closed. @default 2_000 */
  lingerMs?: number;
  /** How long a `ping` may wait for its `pong` before the socket counts as dead. @default 5_000 */
  pongTimeoutMs?: number;
}

const open = 1;

const liveUrl = (baseUrl: string, ticket: string) => {
  const origin = baseUrl || (typeof location === 'undefined' ? '' : location.origin);
  if (!origin) throw new Error('createAmpoClient needs a baseUrl outside a browser page.');
  const url = new URL('/api/events', origin.endsWith('/') ? origin : `${origin}/`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('ticket', ticket);
  return url.toString();
};

const describe = (error: unknown) =>
  error instanceof AmpoRequestError ? error.message : error instanceof Error ? error.message : String(error);

/**
 * The one WebSocket of a client. It opens when the first subscription does, authenticates with a
 * one-time ticket (so no long-lived token sits in a URL), resends every subscription with its
 * latest cursor after a drop, watches heartbeats, and checks itself when a hidden tab becomes
 * visible or the browser comes back online.
 */
export const createLiveConnection = (settings: LiveConnectionSettings): LiveConnection => {
  const lingerMs = settings.lingerMs ?? 2_000;
  const pongTimeoutMs = settings.pongTimeoutMs ?? 5_000;
  const subscriptions = new Map<
    string,
    { build: Parameters<LiveConnection['subscribe']>[0]; onMessage: (message: LiveSubscriptionMessage) => void }
  >();
  const listeners = new Set<() => void>();
  let state: ConnectionState = { status: 'idle', attempt: 0, resumes: 0 };
  let socket: WebSocketLike | undefined;
  let welcomed = false;
  let connecting = false;
  let everOnline = false;
  let disposed = false;
  let generation = 0;
  let nextId = 0;
  let heartbeatMs = 15_000;
  /** The server time of the last message, and of the last one before the current connection. */
  let lastServerAt: number | undefined;
  let resumeSince: number | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let lingerTimer: ReturnType<typeof setTimeout> | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let environmentWatched = false;

  const setState = (next: Partial<ConnectionState>) => {
    const merged = { ...state, ...next };
    if (next.error === undefined && 'error' in next) delete merged.error;
    if (
      merged.status === state.status &&
      merged.attempt === state.attempt &&
      merged.resumes === state.resumes &&
      merged.error === state.error
    )
      return;
    state = merged;
    for (const listener of [...listeners]) listener();
  };

  const send = (message: LiveClientMessageInput) => {
    if (socket && welcomed && socket.readyState === open) socket.send(JSON.stringify(message));
  };

  const sendSubscription = (id: string) => {
    const entry = subscriptions.get(id);
    if (entry) send({ ...entry.build(resumeSince === undefined ? {} : { resumeSince }), id } as LiveClientMessageInput);
  };

  const clearTimer = (timer: ReturnType<typeof setTimeout> | undefined) => {
    if (timer !== undefined) clearTimeout(timer);
  };

  const browserOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

  const scheduleRetry = (error: string) => {
    clearTimer(retryTimer);
    const attempt = state.attempt + 1;
    const offline = browserOffline() || attempt >= (settings.reconnect?.offlineAfter ?? 3);
    setState({ status: offline ? 'offline' : 'reconnecting', attempt, error });
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        connect();
      },
      reconnectDelay(attempt, settings.reconnect),
    );
  };

  const armWatchdog = () => {
    clearTimer(watchdog);
    watchdog = setTimeout(() => forceDrop('no heartbeat from the server'), heartbeatMs * 2 + 1_000);
  };

  /** Treats the socket as gone now, without waiting for a close that may never come. */
  const forceDrop = (reason: string) => {
    const dead = socket;
    detach();
    try {
      dead?.close(1000, reason);
    } catch {
      // already closed
    }
    dropped(reason);
  };

  const detach = () => {
    if (socket) {
      socket.onmessage = null;
      socket.onclose = null;
      // A socket closed before it opened still reports an error; nobody needs to hear it.
      socket.onerror = () => {};
      socket.onopen = null;
    }
    socket = undefined;
    welcomed = false;
    clearTimer(watchdog);
    clearTimer(pongTimer);
    pongTimer = undefined;
  };

  const dropped = (reason: string) => {
    if (disposed) return;
    if (lastServerAt !== undefined) resumeSince = lastServerAt;
    if (subscriptions.size === 0) return setState({ status: 'idle', attempt: 0, error: undefined });
    scheduleRetry(reason);
  };

  const receive = (data: unknown) => {
    let message: LiveServerMessage;
    try {
      message = JSON.parse(String(data)) as LiveServerMessage;
    } catch {
      return;
    }
    armWatchdog();
    switch (message.type) {
      case 'welcome':
        welcomed = true;
        heartbeatMs = message.heartbeatMs;
        armWatchdog();
        if (everOnline) setState({ status: 'online', attempt: 0, resumes: state.resumes + 1, error: undefined });
        else setState({ status: 'online', attempt: 0, error: undefined });
        everOnline = true;
        for (const id of subscriptions.keys()) sendSubscription(id);
        resumeSince = undefined;
        lastServerAt = message.at;
        return;
      case 'heartbeat':
      case 'pong':
        lastServerAt = message.at;
        clearTimer(pongTimer);
        pongTimer = undefined;
        return;
      case 'caught-up':
        lastServerAt = message.at;
        subscriptions.get(message.id)?.onMessage(message);
        return;
      default:
        if (message.id !== undefined) subscriptions.get(message.id)?.onMessage(message);
    }
  };

  const connect = () => {
    if (disposed || connecting || socket || subscriptions.size === 0) return;
    clearTimer(retryTimer);
    retryTimer = undefined;
    watchEnvironment();
    connecting = true;
    const attemptOf = ++generation;
    if (state.status === 'idle') setState({ status: everOnline ? 'reconnecting' : 'connecting' });
    settings.http
      .ticket()
      .then(({ ticket }) => {
        connecting = false;
        if (attemptOf !== generation || disposed || subscriptions.size === 0) return;
        const Constructor = settings.WebSocket;
        if (!Constructor) throw new Error('No WebSocket here: pass one to createAmpoClient({ WebSocket }).');
        const created = new Constructor(liveUrl(settings.baseUrl, ticket));
        socket = created;
        created.onmessage = (event) => receive(event.data);
        created.onclose = (event) => {
          detach();
          dropped(event.reason || `closed with code ${event.code}`);
        };
        created.onerror = () => {
          // A close event follows.
        };
        armWatchdog();
      })
      .catch((error: unknown) => {
        connecting = false;
        if (attemptOf !== generation || disposed) return;
        detach();
        dropped(describe(error));
      });
  };

  const check = () => {
    if (disposed || subscriptions.size === 0) return;
    if (socket && welcomed) {
      if (pongTimer !== undefined) return;
      send({ type: 'ping' });
      pongTimer = setTimeout(() => forceDrop('no answer to a ping'), pongTimeoutMs);
      return;
    }
    if (!socket && !connecting) {
      setState({ attempt: 0 });
      connect();
    }
  };

  const onVisibility = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') check();
  };
  const onOffline = () => {
    if (state.status !== 'idle') setState({ status: 'offline', error: 'the browser is offline' });
  };

  const watchEnvironment = () => {
    if (environmentWatched) return;
    environmentWatched = true;
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
    if (typeof window !== 'undefined') {
      window.addEventListener('online', check);
      window.addEventListener('offline', onOffline);
    }
  };

  const closeQuietly = () => {
    generation++;
    connecting = false;
    const closing = socket;
    detach();
    clearTimer(retryTimer);
    retryTimer = undefined;
    closing?.close(1000, 'no subscriptions');
    setState({ status: 'idle', attempt: 0, error: undefined });
  };

  return {
    subscribe(build, onMessage) {
      let id = `s${++nextId}`;
      subscriptions.set(id, { build, onMessage });
      clearTimer(lingerTimer);
      lingerTimer = undefined;
      if (socket && welcomed) sendSubscription(id);
      else connect();
      let closed = false;
      return {
        restart() {
          if (closed) return;
          const entry = subscriptions.get(id);
          subscriptions.delete(id);
          send({ type: 'unsubscribe', id });
          id = `s${++nextId}`;
          if (entry) subscriptions.set(id, entry);
          sendSubscription(id);
        },
        close() {
          if (closed) return;
          closed = true;
          subscriptions.delete(id);
          send({ type: 'unsubscribe', id });
          if (subscriptions.size === 0) {
            clearTimer(lingerTimer);
            lingerTimer = setTimeout(() => {
              if (subscriptions.size === 0) closeQuietly();
            }, lingerMs);
          }
        },
      };
    },
    getState: () => state,
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    check,
    drop() {
      if (socket) forceDrop('dropped by the client');
    },
    dispose() {
      disposed = true;
      closeQuietly();
      subscriptions.clear();
      clearTimer(lingerTimer);
      if (environmentWatched) {
        if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
        if (typeof window !== 'undefined') {
          window.removeEventListener('online', check);
          window.removeEventListener('offline', onOffline);
        }
      }
    },
  };
};
