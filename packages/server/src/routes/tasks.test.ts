import type { Problem, Task, TaskList } from '@ampo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

describe('the tasks API over a real socket', () => {
  let test: TestServer;
  beforeAll(async () => {
    test = await startTestServer({
      world: { agent: () => ({ outcome: 'hang' }) },
    });
  });
  afterAll(() => test.close());

  const create = (body: object, headers: Record<string, string> = {}) => test.request<Task>('POST', '/api/tasks', { body, headers });

  it('creates a task: 201, its Location, and the queued task', async () => {
    const response = await create({ repo: test.world.repo, prompt: 'Fix sum', labels: { team: 'web' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/api/tasks/${response.body.id}`);
    expect(response.body).toMatchObject({
      status: 'queued',
      request: { repo: test.world.repo, prompt: 'Fix sum', agent: 'amp', maxCiAttempts: 3 },
    });
    const fetched = await test.request<Task>('GET', `/api/tasks/${response.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.id).toBe(response.body.id);
  });

  it('returns the same task for a retry with the same Idempotency-Key, and 409 for the key on another request', async () => {
    const first = await create({ repo: test.world.repo, prompt: 'Idempotent' }, { 'idempotency-key': 'create-1' });
    const again = await create({ repo: test.world.repo, prompt: 'Idempotent' }, { 'idempotency-key': 'create-1' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await test.request<Problem>('POST', '/api/tasks', {
      body: { repo: test.world.repo, prompt: 'Something else' },
      headers: { 'idempotency-key': 'create-1' },
    });
    expect(other.status).toBe(409);
    expect(other.body.detail).toContain(first.body.id);
    const badKey = await test.request<Problem>('POST', '/api/tasks', {
      body: { repo: test.world.repo, prompt: 'x' },
      headers: { 'idempotency-key': 'has spaces in it' },
    });
    expect(badKey.status).toBe(400);
    expect(badKey.body.issues?.[0]?.path).toEqual(['headers', 'idempotency-key']);
  });

  it('rejects invalid bodies with 400 and every zod issue with its path', async () => {
    const missing = await test.request<Problem>('POST', '/api/tasks', { body: { repo: test.world.repo } });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body).toMatchObject({ code: 'invalid-input', status: 400, type: 'urn:ampo:error:invalid-input' });
    expect(missing.body.issues?.map((issue) => issue.path)).toEqual([['body', 'prompt']]);

    const wrong = await test.request<Problem>('POST', '/api/tasks', {
      body: { repo: test.world.repo, prompt: 'x', maxCiAttempts: '3', agent: 'gpt', surprise: true },
    });
    expect(wrong.status).toBe(400);
    const paths = wrong.body.issues?.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['body.maxCiAttempts', 'body.agent']));
    expect(wrong.body.issues?.some((issue) => issue.message.includes('surprise'))).toBe(true);
  });

  it('tells JSON that does not parse, the wrong media type, and bodies over 1 MB apart', async () => {
    const broken = await test.request<Problem>('POST', '/api/tasks', { raw: '{"repo": "x", ', contentType: 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('invalid-input');
    const text = await test.request<Problem>('POST', '/api/tasks', { raw: 'repo=x', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.code).toBe('unsupported-media-type');
    const untyped = await test.request<Problem>('POST', '/api/tasks', { raw: '{}', contentType: null });
    expect(untyped.status).toBe(415);
    const huge = await test.request<Problem>('POST', '/api/tasks', { body: { repo: test.world.repo, prompt: 'x'.repeat(1_100_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ code: 'too-large', detail: 'Request bodies are at most 1048576 bytes.' });
  });

  it('lists newest first with cursor paging and filters by status, repo and labels', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const labels = { batch: 'list', parity: index % 2 === 0 ? 'even' : 'odd' };
      ids.push((await create({ repo: test.world.repo, prompt: `List ${index}`, labels })).body.id);
      await test.world.clock.advance(1_000);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await test.request<TaskList>(
        'GET',
        `/api/tasks?label=batch=list&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.tasks.map((task) => task.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const even = await test.request<TaskList>('GET', '/api/tasks?label=batch=list&label=parity=even');
    expect(even.body.tasks.map((task) => task.id)).toEqual([ids[4], ids[2], ids[0]]);
    const byRepo = await test.request<TaskList>(`GET`, `/api/tasks?repo=${encodeURIComponent('nowhere://x')}`);
    expect(byRepo.body.tasks).toEqual([]);
    const cancelled = await test.request<TaskList>('GET', '/api/tasks?status=cancelled,failed&label=batch=list');
    expect(cancelled.body.tasks).toEqual([]);
  });

  it('rejects bad list queries: a cursor it did not hand out, a limit out of range, an unknown status or parameter', async () => {
    for (const query of ['cursor=not-a-cursor', 'limit=0', 'limit=501', 'limit=ten', 'status=sleeping', 'label=novalue', 'colour=red']) {
      const response = await test.request<Problem>('GET', `/api/tasks?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body.code).toBe('invalid-input');
    }
  });

  it('answers 404 with problem details for an unknown task and an unknown route', async () => {
    const task = await test.request<Problem>('GET', '/api/tasks/no-such-task');
    expect(task.status).toBe(404);
    expect(task.body.detail).toBe('There is no task no-such-task.');
    for (const path of ['/api/tasks/no-such-task/events', '/api/tasks/no-such-task/logs']) {
      expect((await test.request('GET', path)).status).toBe(404);
    }
    expect((await test.request('POST', '/api/tasks/no-such-task/cancel')).status).toBe(404);
    const route = await fetch(`${test.url}/api/nothing-here`, { headers: { authorization: `Bearer ${await test.token()}` } });
    expect(route.status).toBe(404);
    expect(route.headers.get('content-type')).toBe('application/problem+json');
  });

  it('cancels a task (a reason is optional) and returns a finished task unchanged', async () => {
    const { body: task } = await create({ repo: test.world.repo, prompt: 'To cancel' });
    const cancelled = await test.request<Task>('POST', `/api/tasks/${task.id}/cancel`, { body: { reason: 'Changed my mind.' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', failure: { code: 'cancelled', reason: 'Changed my mind.' } });
    const again = await test.request<Task>('POST', `/api/tasks/${task.id}/cancel`);
    expect(again.status).toBe(200);
    expect(again.body.updatedAt).toBe(cancelled.body.updatedAt);
    const { body: other } = await create({ repo: test.world.repo, prompt: 'Cancel without a reason' });
    const plain = await test.request<Task>('POST', `/api/tasks/${other.id}/cancel`);
    expect(plain.body.failure?.reason).toBe('Cancelled by tester.');
  });

  it('takes messages for a running task (202) and refuses them for a finished one (409) or when empty (400)', async () => {
    const { body: task } = await create({ repo: test.world.repo, prompt: 'Listen' });
    const sent = await test.request<Task>('POST', `/api/tasks/${task.id}/messages`, { body: { text: 'Also update the README.' } });
    expect(sent.status).toBe(202);
    const events = await test.request<{ events: Array<{ type: string; text?: string; author?: string }> }>(
      'GET',
      `/api/tasks/${task.id}/events`,
    );
    expect(events.body.events.find((event) => event.type === 'message-received')).toMatchObject({
      text: 'Also update the README.',
      author: 'tester',
    });
    const empty = await test.request<Problem>('POST', `/api/tasks/${task.id}/messages`, { body: { text: '   ' } });
    expect(empty.status).toBe(400);
    await test.request('POST', `/api/tasks/${task.id}/cancel`);
    const late = await test.request<Problem>('POST', `/api/tasks/${task.id}/messages`, { body: { text: 'Too late?' } });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('takes no more messages');
  });

  it('pages a task’s events and logs after a seq, without gaps', async () => {
    const { body: task } = await create({ repo: test.world.repo, prompt: 'History' });
    await test.request('POST', `/api/tasks/${task.id}/cancel`);
    const all = await test.request<{ events: Array<{ seq: number }>; hasMore: boolean }>('GET', `/api/tasks/${task.id}/events`);
    expect(all.body.hasMore).toBe(false);
    const seqs = all.body.events.map((event) => event.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    const first = await test.request<{ events: Array<{ seq: number }>; hasMore: boolean }>('GET', `/api/tasks/${task.id}/events?limit=2`);
    expect(first.body).toMatchObject({ hasMore: true });
    const rest = await test.request<{ events: Array<{ seq: number }> }>('GET', `/api/tasks/${task.id}/events?after=2`);
    expect([...first.body.events, ...rest.body.events].map((event) => event.seq)).toEqual(seqs);
    const logs = await test.request<{ logs: unknown[]; hasMore: boolean }>('GET', `/api/tasks/${task.id}/logs?after=0&limit=1000`);
    expect(logs.status).toBe(200);
    expect(logs.body.hasMore).toBe(false);
    expect((await test.request('GET', `/api/tasks/${task.id}/events?after=-1`)).status).toBe(400);
  });

  it('saw only responses the OpenAPI document describes', () => {
    expect(test.checker.checked).toBeGreaterThan(40);
  });
});

describe('failures inside the server', () => {
  it('are a 500 that reveals nothing about the inside', async () => {
    const test = await startTestServer();
    const broken = {
      ...test.world.orchestrator,
      listTasks: async () => Promise.reject(new Error('connect ECONNREFUSED /var/run/secret.sock password=hunter2')),
    };
    const server = await startTestServer({ orchestrator: broken });
    try {
      const response = await server.request<Problem>('GET', '/api/tasks');
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        type: 'urn:ampo:error:internal',
        title: 'Internal error',
        status: 500,
        detail: 'The server failed to handle the request. The server log has the details.',
        code: 'internal',
        retryable: false,
      });
      expect(JSON.stringify(response.body)).not.toMatch(/hunter2|ECONNREFUSED|secret\.sock/);
    } finally {
      await server.close();
      await test.close();
    }
  });
});
