import type { LiveServerMessage, OrchestratorEvent, Task } from '@ampo/core';
import { liveCloseCodes } from '@ampo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, type LiveClient, openLive } from '../test-support/live-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const caughtUp = (id: string) => (message: LiveServerMessage) => message.type === 'caught-up' && message.id === id;
const contiguousFrom = (events: readonly OrchestratorEvent[], first: number) =>
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => first + index));

describe('the live WebSocket', () => {
  let test: TestServer;
  let token: string;
  const clients: LiveClient[] = [];
  const open = async (options: Parameters<typeof openLive>[1] = { token }) => {
    const client = await openLive(test.url, options);
    clients.push(client);
    return client;
  };
  const createTask = async (prompt: string) =>
    (await test.request<Task>('POST', '/api/tasks', { body: { repo: test.world.repo, prompt } })).body;
  const say = (taskId: string, text: string) => test.request('POST', `/api/tasks/${taskId}/messages`, { body: { text } });
  const lastSeq = async (taskId: string) => (await test.request<Task>('GET', `/api/tasks/${taskId}`)).body.lastSeq;
  /** Until the task has stored `count` log chunks. */
  const logsStored = async (taskId: string, count: number) => {
    for (let tries = 0; tries < 600; tries++) {
      const { body } = await test.request<{ logs: unknown[] }>('GET', `/api/tasks/${taskId}/logs?after=${count - 1}&limit=1`);
      if (body.logs.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`task ${taskId} never stored ${count} log chunks`);
  };

  beforeAll(async () => {
    test = await startTestServer({
      world: {
        // Most tasks here hang in their agent turn: let them all run.
        options: { concurrency: 100 },
        agent: ({ prompt }) =>
          prompt.startsWith('chatty')
            ? {
                messages: Array.from({ length: 6000 }, (_, index) => `line ${index} ${'x'.repeat(prompt.includes('slow') ? 2000 : 20)}`),
                edits: { 'notes.md': 'x' },
              }
            : { outcome: 'hang' },
      },
      settings: {
        live: { heartbeatMs: 200, maxBufferedBytes: 256 * 1024, drainTimeoutMs: 500, maxSubscriptions: 5, maxInvalidMessages: 5 },
      },
    });
    token = await test.token(['tasks:read']);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await test.close();
  });

  it('sends a task’s stored events, then live ones; a resumed subscription gets exactly what it missed', async () => {
    const task = await createTask('Follow me');
    await say(task.id, 'first');
    const client = await open();
    expect(client.messages[0]).toMatchObject({ type: 'welcome', heartbeatMs: 200 });
    client.send({ type: 'subscribe', id: 'one', taskId: task.id, afterSeq: 0 });
    await client.waitFor(caughtUp('one'));
    const stored = eventsOf(client.messages, 'one');
    expect(stored[0]?.type).toBe('task-created');
    contiguousFrom(stored, 1);
    await say(task.id, 'live one');
    const live = await client.waitFor(
      (message) => message.type === 'event' && message.event.type === 'message-received' && message.event.text === 'live one',
    );
    expect(live.type).toBe('event');
    await client.close();

    const seen = eventsOf(client.messages, 'one');
    const resumeAfter = seen.at(-1)?.seq ?? 0;
    await say(task.id, 'while away 1');
    await say(task.id, 'while away 2');
    const again = await open();
    again.send({ type: 'subscribe', id: 'one', taskId: task.id, afterSeq: resumeAfter });
    await again.waitFor(caughtUp('one'));
    await say(task.id, 'after the resume');
    await again.waitFor(
      (message) => message.type === 'event' && message.event.type === 'message-received' && message.event.text === 'after the resume',
    );
    const resumed = eventsOf(again.messages, 'one');
    contiguousFrom(resumed, resumeAfter + 1);
    const all = [...seen, ...resumed];
    contiguousFrom(all, 1);
    expect(all.at(-1)?.seq).toBe(await lastSeq(task.id));
    expect(
      resumed.filter((event) => event.type === 'message-received').map((event) => event.type === 'message-received' && event.text),
    ).toEqual(['while away 1', 'while away 2', 'after the resume']);
  });

  it('follows every task; a resume with cursors and `since` replays what each task missed and new tasks whole', async () => {
    const quiet = await createTask('Quiet');
    const busy = await createTask('Busy');
    const client = await open();
    client.send({ type: 'subscribe-all', id: 'all' });
    await client.waitFor(caughtUp('all'));
    await say(busy.id, 'seen live');
    await client.waitFor(
      (message) => message.type === 'event' && message.event.type === 'message-received' && message.event.text === 'seen live',
    );
    const cursors: Record<string, number> = {};
    for (const event of eventsOf(client.messages, 'all')) cursors[event.taskId] = event.seq;
    const since = Math.max(...client.messages.map((message) => ('at' in message ? message.at : 0)));
    await client.close();

    await say(busy.id, 'missed');
    const born = await createTask('Born while away');
    const again = await open();
    again.send({ type: 'subscribe-all', id: 'all', cursors, since: since - 60_000 });
    await again.waitFor(caughtUp('all'));
    const replayed = eventsOf(again.messages, 'all');
    const of = (taskId: string) => replayed.filter((event) => event.taskId === taskId);
    contiguousFrom(of(busy.id), (cursors[busy.id] ?? 0) + 1);
    expect(of(busy.id).some((event) => event.type === 'message-received' && event.text === 'missed')).toBe(true);
    contiguousFrom(of(born.id), 1);
    expect(of(born.id).at(-1)?.seq).toBe(await lastSeq(born.id));
    // What the client had of the quiet task is not sent again.
    expect(of(quiet.id).filter((event) => event.seq <= (cursors[quiet.id] ?? 0))).toEqual([]);
  });

  it('streams a task’s log after a log seq, then live, without gaps', async () => {
    const task = await createTask('chatty logs');
    await logsStored(task.id, 100);
    const client = await open();
    // Stored chunks first (at least up to 100), then the ones the agent is still printing, live.
    client.send({ type: 'subscribe-logs', id: 'logs', taskId: task.id, afterSeq: 10 });
    await client.waitFor((message) => message.type === 'log' && message.chunk.seq === 3000, 30_000);
    const chunks = client.messages.flatMap((message) => (message.type === 'log' ? [message.chunk] : []));
    expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_, index) => 11 + index));
    expect(chunks.every((chunk) => chunk.taskId === task.id)).toBe(true);
  });

  it('closes a client that does not read with 4001 instead of buffering without bound', async () => {
    const task = await createTask('chatty slow');
    await logsStored(task.id, 6000);
    const client = await open();
    // Stop reading: the kernel's buffers fill, then the server's.
    (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    client.send({ type: 'subscribe-logs', id: 'logs', taskId: task.id, afterSeq: 0 });
    client.send({ type: 'subscribe', id: 'events', taskId: task.id, afterSeq: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await client.closed;
    expect(code).toBe(liveCloseCodes.slowConsumer);
  });

  it('answers what it cannot take with an error, and closes after too many or too big frames', async () => {
    const client = await open();
    client.send('this is not json');
    client.send({ type: 'subscribe', id: 'x' } as never);
    client.send(Buffer.from([1, 2, 3]));
    client.send({ type: 'subscribe', id: 'gone', taskId: 'no-such-task' });
    await client.waitFor((message) => message.type === 'error' && message.id === 'gone');
    const errors = client.messages.filter((message) => message.type === 'error');
    expect(errors.map((message) => message.type === 'error' && [message.code, message.message])).toEqual([
      ['invalid-input', 'That frame is not JSON.'],
      ['invalid-input', expect.stringMatching(/^That message is not one the server takes: taskId: /)],
      ['invalid-input', 'Send JSON in text frames.'],
      ['not-found', 'There is no task no-such-task.'],
    ]);
    client.send({ type: 'nonsense' } as never);
    client.send('{');
    expect((await client.closed).code).toBe(liveCloseCodes.invalidMessages);

    const big = await open();
    big.send(JSON.stringify({ type: 'subscribe-all', id: 'big', cursors: { padding: 'x'.repeat(70 * 1024) } }));
    expect((await big.closed).code).toBe(liveCloseCodes.messageTooBig);
  });

  it('limits subscriptions per connection (4002) and refuses a second subscription with the same id', async () => {
    const task = await createTask('Many');
    const client = await open();
    client.send({ type: 'subscribe', id: 's0', taskId: task.id });
    client.send({ type: 'subscribe', id: 's0', taskId: task.id });
    await client.waitFor((message) => message.type === 'error' && message.id === 's0');
    for (let index = 1; index <= 5; index++) client.send({ type: 'subscribe', id: `s${index}`, taskId: task.id });
    expect((await client.closed).code).toBe(liveCloseCodes.tooManySubscriptions);
  });

  it('heartbeats, answers pings, and unsubscribes', async () => {
    const task = await createTask('Beat');
    const client = await open();
    await client.waitFor((message) => message.type === 'heartbeat');
    client.send({ type: 'ping' });
    await client.waitFor((message) => message.type === 'pong');
    client.send({ type: 'subscribe', id: 'u', taskId: task.id });
    await client.waitFor(caughtUp('u'));
    client.send({ type: 'unsubscribe', id: 'u' });
    await client.waitFor((message) => message.type === 'unsubscribed' && message.id === 'u');
    const before = eventsOf(client.messages, 'u').length;
    await say(task.id, 'nobody listens');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eventsOf(client.messages, 'u')).toHaveLength(before);
  });

  it('opens with a one-time ticket, or a session cookie from this origin, and refuses everything else before the upgrade', async () => {
    await expect(open({})).rejects.toMatchObject({ status: 401 });
    await expect(open({ token: 'nonsense' })).rejects.toMatchObject({ status: 401 });
    const { body } = await test.request<{ ticket: string }>('POST', '/api/auth/ticket');
    const withTicket = await open({ ticket: body.ticket });
    expect(withTicket.messages[0]?.type).toBe('welcome');
    await expect(open({ ticket: body.ticket })).rejects.toMatchObject({ status: 401 });
    const login = await fetch(await test.server.loginLink(test.url), { redirect: 'manual' });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const fromHere = await open({ headers: { cookie, origin: test.url } });
    expect(fromHere.messages[0]?.type).toBe('welcome');
    await expect(open({ headers: { cookie, origin: 'https://evil.example' } })).rejects.toMatchObject({ status: 403 });
  });

  it('closes every connection with 1001 when the server shuts down', async () => {
    const client = await open();
    test.server.closeLiveConnections();
    expect((await client.closed).code).toBe(1001);
  });
});
