import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem, Task } from '@ampo/core';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../test-support/test-server.js';

describe('readiness', () => {
  it('is 200 while every check answers and 503 naming the one that does not, without its error', async () => {
    let dockerUp = true;
    const test = await startTestServer({
      settings: {
        readiness: {
          store: async () => undefined,
          docker: async () => {
            if (!dockerUp) throw new Error('connect ENOENT /var/run/docker.sock');
          },
        },
      },
    });
    try {
      const ready = await test.request('GET', '/api/ready', { token: null });
      expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { store: { ok: true }, docker: { ok: true } } } });
      dockerUp = false;
      const down = await test.request<{ status: string; checks: Record<string, { ok: boolean; error?: string }> }>('GET', '/api/ready', {
        token: null,
      });
      expect(down.status).toBe(503);
      expect(down.body).toEqual({
        status: 'not-ready',
        checks: { store: { ok: true }, docker: { ok: false, error: 'docker does not answer' } },
      });
      expect((await test.request('GET', '/api/health', { token: null })).status).toBe(200);
    } finally {
      await test.close();
    }
  });
});

describe('metrics', () => {
  it('counts tasks by status, finished tasks, CI attempts and agent turns in Prometheus’ format, for the admin scope', async () => {
    const test = await startTestServer({
      world: {
        agent: ({ prompt }) =>
          prompt.includes('hang') ? { outcome: 'hang' } : { edits: { 'src/sum.ts': 'fixed' }, usage: { costUsd: 0.25 } },
      },
    });
    try {
      const done = (await test.request<Task>('POST', '/api/tasks', { body: { repo: test.world.repo, prompt: 'Finish' } })).body;
      await test.world.waitFor(done.id, ['succeeded']);
      await test.request('POST', '/api/tasks', { body: { repo: test.world.repo, prompt: 'hang around' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await fetch(`${test.url}/metrics`, { headers: { authorization: `Bearer ${await test.token(['admin'])}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('ampo_tasks{status="agent-running"} 1');
      expect(text).toContain('ampo_tasks{status="queued"} 0');
      expect(text).toContain('ampo_tasks_finished_total{status="succeeded"} 1');
      expect(text).toContain('ampo_ci_attempts_total{conclusion="success"} 1');
      expect(text).toMatch(/ampo_agent_turn_duration_seconds_count\{outcome="completed"\} 1/);
      expect(text).toContain('ampo_agent_cost_usd_total 0.25');
      expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
      const reader = await fetch(`${test.url}/metrics`, { headers: { authorization: `Bearer ${await test.token(['tasks:write'])}` } });
      expect(reader.status).toBe(403);
    } finally {
      await test.close();
    }
  });

  it('answers a method it does not take with a 404 in problem details, as every API route does (found by the soak)', async () => {
    const test = await startTestServer();
    try {
      const response = await fetch(`${test.url}/metrics`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await test.token(['admin'])}` },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as { detail: string }).detail).toBe('There is no DELETE /metrics.');
    } finally {
      await test.close();
    }
  });

  it('can be served alone, without a credential, on a separate address', async () => {
    const test = await startTestServer();
    const metrics = await test.server.listenMetrics({ port: 0 });
    try {
      const response = await fetch(`${metrics.url}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE ampo_tasks gauge');
      expect((await fetch(`${metrics.url}/api/tasks`)).status).toBe(404);
    } finally {
      await metrics.close();
      await test.close();
    }
  });
});

describe('rate limits', () => {
  it('answer 429 with Retry-After once a client used its burst', async () => {
    const test = await startTestServer({ settings: { rateLimit: { perSecond: 1, burst: 5 } } });
    try {
      const statuses: number[] = [];
      let limited: { status: number; headers: Headers; body: Problem } | undefined;
      for (let index = 0; index < 8; index++) {
        const response = await test.request<Problem>('GET', '/api/tasks');
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      // The test server fetched its OpenAPI document at start: one of the five.
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses.slice(4)).toEqual([429, 429, 429, 429]);
      expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited?.body).toMatchObject({ code: 'rate-limited', retryable: true });
    } finally {
      await test.close();
    }
  });
});

describe('the web app at /', () => {
  it('says plainly when the app is not built, with security headers', async () => {
    const test = await startTestServer({ settings: { webAppDirectory: mkdtempSync(join(tmpdir(), 'ampo-no-app-')) } });
    try {
      const response = await fetch(`${test.url}/`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('ampo is running');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await test.close();
    }
  });
});
