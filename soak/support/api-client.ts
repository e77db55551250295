// The REST API as a client sees it: every response body is kept (the secrets section searches
// them) and every 5xx counted.
import type { OrchestratorEvent } from '@ampo/core';

export interface TaskView {
  id: string;
  status: string;
  attempts: Array<{ conclusion: string }>;
}

export const createApiClient = (token: string) => {
  const bodies: string[] = [];
  let serverErrors = 0;

  const call = async <T>(url: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    const text = await response.text();
    bodies.push(text);
    if (response.status >= 500) serverErrors += 1;
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  /** Every page of a history route (`events` or `logs`), oldest first. */
  const pages = async <T extends { seq: number }>(url: string, taskId: string, kind: 'events' | 'logs'): Promise<T[]> => {
    const all: T[] = [];
    for (let after = 0; ; ) {
      const page = await call<Record<string, unknown> & { hasMore: boolean }>(url, `/api/tasks/${taskId}/${kind}?after=${after}&limit=500`);
      if (page.status !== 200) throw new Error(`GET ${kind} of ${taskId} answered ${page.status}`);
      const items = page.body[kind] as T[];
      all.push(...items);
      if (!page.body.hasMore || items.length === 0) return all;
      after = items[items.length - 1]?.seq ?? after;
    }
  };

  return {
    bodies,
    serverErrors: () => serverErrors,
    call,
    createTask: async (url: string, prompt: string, repo: string, idempotencyKey: string) => {
      const created = await call<{ id: string }>(url, '/api/tasks', {
        method: 'POST',
        headers: { 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ repo, prompt }),
      });
      if (created.status !== 201 && created.status !== 200)
        throw new Error(`POST /api/tasks answered ${created.status}: ${JSON.stringify(created.body)}`);
      return created.body.id;
    },
    task: (url: string, taskId: string) => call<TaskView>(url, `/api/tasks/${taskId}`),
    events: (url: string, taskId: string) => pages<OrchestratorEvent>(url, taskId, 'events'),
    logs: (url: string, taskId: string) => pages<{ seq: number; text: string }>(url, taskId, 'logs'),
  };
};

export type ApiClient = ReturnType<typeof createApiClient>;
