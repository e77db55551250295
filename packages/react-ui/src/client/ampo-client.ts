import type { CreateTaskInput, Task } from '@ampo/core/wire';
import type { ReconnectSettings } from './backoff.js';
import { createHttpClient, type HttpClient, type Repositories, type Session, type TaskFilter } from './http-client.js';
import { createLiveConnection, type LiveConnection, type WebSocketConstructor } from './live-connection.js';
import { createRequestStore } from './request-store.js';
import { createTaskEventsStore } from './task-events-store.js';
import { filterKey } from './task-filter.js';
import { createTaskListStore, type TaskListStore } from './task-list-store.js';
import { createTaskLogsStore } from './task-logs-store.js';
import { createTaskStore, type TaskStore } from './task-store.js';

export interface AmpoClientSettings {
  /** The server, e.g. `https://ampo.example.com`. @default '' (the page's own origin) */
  baseUrl?: string;
  /** A bearer token (`ampo-server token`). Without one, the browser's session cookie is used. */
  token?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** The WebSocket class, e.g. the `ws` package's in Node 20. @default globalThis.WebSocket */
  WebSocket?: WebSocketConstructor;
  reconnect?: ReconnectSettings;
  /** How long data nobody watches is kept before its subscription closes. @default 10_000 */
  gcMs?: number;
  /** The shortest interval between two refetches of one task while its events stream in. @default 250 */
  refreshMs?: number;
  /** Tasks per page of a list. @default 50 */
  pageSize?: number;
}

export interface AmpoClient {
  /** The REST API, typed from the server's schemas. */
  readonly api: HttpClient;
  /** The one live WebSocket all subscriptions share. */
  readonly live: LiveConnection;
  /** The tasks that match `filter`, live. Equal filters share one store. */
  tasks(filter?: TaskFilter): TaskListStore;
  /** One task, live. */
  task(id: string): TaskStore;
  /** One task's events, from the first, live. */
  taskEvents(id: string): ReturnType<typeof createTaskEventsStore>;
  /** One task's log lines, from the first, live. */
  taskLogs(id: string): ReturnType<typeof createTaskLogsStore>;
  repositories(): ReturnType<typeof createRequestStore<Repositories>>;
  session(): ReturnType<typeof createRequestStore<Session>>;
  /** Creates a task; every list and task store that should show it does at once. */
  createTask(input: CreateTaskInput, options?: { idempotencyKey?: string }): Promise<Task>;
  cancelTask(id: string, reason?: string): Promise<Task>;
  sendMessage(id: string, text: string): Promise<Task>;
  /** Closes the WebSocket and stops every timer. */
  dispose(): void;
}

/** A cache of stores by key; a store leaves it once nobody watched it for `gcMs`. */
const createCache = <T>() => {
  const entries = new Map<string, T>();
  return {
    entries,
    get(key: string, create: (evict: () => void) => T): T {
      const found = entries.get(key);
      if (found) return found;
      const created = create(() => {
        if (entries.get(key) === created) entries.delete(key);
      });
      entries.set(key, created);
      return created;
    },
  };
};

/**
 * The framework-free ampo client: REST plus one shared, resumable WebSocket, with live stores
 * that React (or anything else) reads through `subscribe` and `getSnapshot`. Creating it touches
 * no browser global, so it is safe on a server; the socket opens with the first subscription.
 */
export const createAmpoClient = (settings: AmpoClientSettings = {}): AmpoClient => {
  const baseUrl = settings.baseUrl ?? '';
  const gcMs = settings.gcMs ?? 10_000;
  const refreshMs = settings.refreshMs ?? 250;
  const api = createHttpClient({
    baseUrl,
    token: settings.token,
    fetch: (input, init) => (settings.fetch ?? globalThis.fetch)(input, init),
  });
  const live = createLiveConnection({
    baseUrl,
    http: api,
    get WebSocket() {
      return settings.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    },
    ...(settings.reconnect ? { reconnect: settings.reconnect } : {}),
  });
  const lists = createCache<TaskListStore>();
  const tasks = createCache<TaskStore>();
  const events = createCache<ReturnType<typeof createTaskEventsStore>>();
  const logs = createCache<ReturnType<typeof createTaskLogsStore>>();
  let repositories: ReturnType<typeof createRequestStore<Repositories>> | undefined;
  let session: ReturnType<typeof createRequestStore<Session>> | undefined;

  const taskEvents = (id: string) => events.get(id, (evict) => createTaskEventsStore(id, live, { gcMs, onIdle: evict }));
  const task = (id: string) => tasks.get(id, (evict) => createTaskStore(id, api, taskEvents(id), { gcMs, refreshMs, onIdle: evict }));

  /** A mutation's answer reaches every store that shows the task. */
  const offer = (changed: Task) => {
    tasks.entries.get(changed.id)?.offer(changed);
    for (const list of lists.entries.values()) list.offer(changed);
    return changed;
  };

  return {
    api,
    live,
    tasks: (filter = {}) =>
      lists.get(filterKey(filter), (evict) =>
        createTaskListStore(filter, api, live, { gcMs, refreshMs, pageSize: settings.pageSize ?? 50, onIdle: evict }),
      ),
    task,
    taskEvents,
    taskLogs: (id) => logs.get(id, (evict) => createTaskLogsStore(id, live, { gcMs, onIdle: evict })),
    repositories: () => {
      repositories ??= createRequestStore(() => api.repositories(), { gcMs });
      return repositories;
    },
    session: () => {
      session ??= createRequestStore(() => api.session(), { gcMs });
      return session;
    },
    createTask: (input, options) => api.createTask(input, options).then(offer),
    cancelTask: (id, reason) => api.cancelTask(id, reason).then(offer),
    sendMessage: (id, text) => api.sendMessage(id, text).then(offer),
    dispose: () => live.dispose(),
  };
};
