import type { CreateTaskInput, EventPage, LogPage, Task, TaskList, TaskStatus } from '@ampo/core/wire';
import { AmpoRequestError, asProblem } from './request-error.js';

/** Which tasks a list shows. Every field narrows it; all must match. */
export interface TaskFilter {
  status?: readonly TaskStatus[];
  repo?: string;
  /** Label key → value. */
  labels?: Readonly<Record<string, string>>;
}

export interface Session {
  subject: string;
  scopes: string[];
  via: 'bearer' | 'session' | 'ticket';
  expiresAt: number;
}

export interface Repositories {
  repositories: string[];
  mode: 'local' | 'github';
}

export interface HttpSettings {
  /** The server's address, `https://ampo.example.com`; `''` for the page's own origin. */
  baseUrl: string;
  /** A bearer token. Without one, the browser's session cookie is sent. */
  token?: string | undefined;
  fetch: typeof fetch;
}

/** The REST API of an ampo server, typed from the wire schemas. Every failure is an {@link AmpoRequestError}. */
export interface HttpClient {
  listTasks(filter?: TaskFilter, page?: { cursor?: string; limit?: number }): Promise<TaskList>;
  getTask(id: string): Promise<Task>;
  createTask(input: CreateTaskInput, options?: { idempotencyKey?: string }): Promise<Task>;
  cancelTask(id: string, reason?: string): Promise<Task>;
  sendMessage(id: string, text: string): Promise<Task>;
  taskEvents(id: string, after?: number, limit?: number): Promise<EventPage>;
  taskLogs(id: string, after?: number, limit?: number): Promise<LogPage>;
  repositories(): Promise<Repositories>;
  session(): Promise<Session>;
  /** A one-time ticket for the live WebSocket. */
  ticket(): Promise<{ ticket: string; expiresAt: number }>;
  logout(): Promise<void>;
}

const encode = encodeURIComponent;

export const filterQuery = (filter: TaskFilter = {}): URLSearchParams => {
  const query = new URLSearchParams();
  if (filter.status && filter.status.length > 0) query.set('status', filter.status.join(','));
  if (filter.repo) query.set('repo', filter.repo);
  for (const [key, value] of Object.entries(filter.labels ?? {})) query.append('label', `${key}=${value}`);
  return query;
};

export const createHttpClient = (settings: HttpSettings): HttpClient => {
  const base = settings.baseUrl.replace(/\/+$/, '');

  const request = async <T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (settings.token) headers.authorization = `Bearer ${settings.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await settings.fetch(`${base}${path}`, {
        method,
        headers,
        credentials: settings.token ? 'omit' : 'same-origin',
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
    } catch (error) {
      throw new AmpoRequestError(`The server at ${base || 'this address'} could not be reached.`, 0, undefined, { cause: error });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const problem = asProblem(body);
      throw new AmpoRequestError(problem?.detail ?? `${method} ${path} failed with HTTP ${response.status}.`, response.status, problem);
    }
    return body as T;
  };

  const paged = (after = 0, limit?: number) => `?after=${after}${limit ? `&limit=${limit}` : ''}`;

  return {
    listTasks(filter, page = {}) {
      const query = filterQuery(filter);
      if (page.cursor) query.set('cursor', page.cursor);
      if (page.limit) query.set('limit', String(page.limit));
      const search = query.toString();
      return request<TaskList>('GET', `/api/tasks${search ? `?${search}` : ''}`);
    },
    getTask: (id) => request<Task>('GET', `/api/tasks/${encode(id)}`),
    createTask: (input, options = {}) =>
      request<Task>('POST', '/api/tasks', {
        body: input,
        ...(options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {}),
      }),
    cancelTask: (id, reason) => request<Task>('POST', `/api/tasks/${encode(id)}/cancel`, { body: reason ? { reason } : {} }),
    sendMessage: (id, text) => request<Task>('POST', `/api/tasks/${encode(id)}/messages`, { body: { text } }),
    taskEvents: (id, after, limit) => request<EventPage>('GET', `/api/tasks/${encode(id)}/events${paged(after, limit)}`),
    taskLogs: (id, after, limit) => request<LogPage>('GET', `/api/tasks/${encode(id)}/logs${paged(after, limit)}`),
    repositories: () => request<Repositories>('GET', '/api/repositories'),
    session: () => request<Session>('GET', '/api/auth/session'),
    ticket: () => request<{ ticket: string; expiresAt: number }>('POST', '/api/auth/ticket'),
    logout: () => request<void>('POST', '/api/auth/logout'),
  };
};
