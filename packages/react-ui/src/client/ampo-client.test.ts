import type { FakeTurnScript } from '@ampo/core/testing';
import type { OrchestratorEvent } from '@ampo/core/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type FakeServer, startFakeServer } from '../test-support/fake-server.js';
import { AmpoRequestError } from './request-error.js';

/** A turn the test lets go of when it wants. */
const heldTurn = () => {
  let release: (script: FakeTurnScript) => void = () => {};
  const script = new Promise<FakeTurnScript>((resolve) => {
    release = resolve;
  });
  return { script, release: (value: FakeTurnScript) => release(value) };
};

/** Node's fetch, with a switch that makes every ticket request fail as an unplugged network would. */
const unpluggableFetch = () => {
  let unplugged = false;
  const fetchThrough: typeof fetch = (input, init) => {
    if (unplugged && String(input).includes('/api/auth/ticket')) return Promise.reject(new TypeError('fetch failed: network unplugged'));
    return fetch(input, init);
  };
  return {
    fetch: fetchThrough,
    unplug: () => {
      unplugged = true;
    },
    plug: () => {
      unplugged = false;
    },
  };
};

const allEvents = async (server: FakeServer, taskId: string) => {
  const events: OrchestratorEvent[] = [];
  for (;;) {
    const page = await server.client().api.taskEvents(taskId, events.at(-1)?.seq ?? 0);
    events.push(...page.events);
    if (!page.hasMore) return events;
  }
};

describe('the client against a real server', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('creates, lists, reads and cancels over REST, and reports the server’s problems with their field errors', async () => {
    server = await startFakeServer({ agent: () => ({ outcome: 'hang' }), ci: () => 'pending' });
    const client = server.client();
    const created = await client.createTask({ repo: server.repo, prompt: 'Fix sum' }, { idempotencyKey: 'key-1' });
    expect(created.status).toBe('queued');
    const again = await client.createTask({ repo: server.repo, prompt: 'Fix sum' }, { idempotencyKey: 'key-1' });
    expect(again.id).toBe(created.id);
    expect((await client.api.listTasks()).tasks.map((task) => task.id)).toEqual([created.id]);
    expect((await client.api.getTask(created.id)).request.prompt).toBe('Fix sum');

    const invalid = await client.createTask({ repo: '', prompt: '', maxCiAttempts: 99 }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(AmpoRequestError);
    const refused = invalid as AmpoRequestError;
    expect(refused.status).toBe(400);
    expect(refused.code).toBe('invalid-input');
    expect(Object.keys(refused.fieldErrors()).sort()).toEqual(['maxCiAttempts', 'prompt', 'repo']);

    const missing = await client.api.getTask('no-such-task').catch((error: unknown) => error);
    expect(missing).toMatchObject({ status: 404, code: 'not-found' });

    const cancelled = await client.cancelTask(created.id, 'not needed');
    expect(cancelled.status).toBe('cancelled');
    const unauthorised = await server
      .client({ token: 'not-a-token' })
      .api.listTasks()
      .catch((error: unknown) => error);
    expect(unauthorised).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('streams a task’s events and logs over one WebSocket, then resumes both by seq after a drop: nothing lost, nothing twice', async () => {
    const first = heldTurn();
    let turns = 0;
    server = await startFakeServer({
      agent: () => (++turns === 1 ? first.script : { messages: ['fixed after the feedback'], edits: { 'src/sum.ts': 'ok' } }),
      ci: (_target, watch) =>
        watch === 1
          ? { conclusion: 'failure', failures: [{ check: 'test', kind: 'test', message: 'sum is wrong' }] }
          : { conclusion: 'success' },
    });
    const network = unpluggableFetch();
    const client = server.client({ fetch: network.fetch });
    const task = await client.createTask({ repo: server.repo, prompt: 'Fix sum' });

    const events = client.taskEvents(task.id);
    const logs = client.taskLogs(task.id);
    const stopEvents = events.subscribe(() => {});
    const stopLogs = logs.subscribe(() => {});
    await eventually(() => events.getSnapshot().events.some((event) => event.type === 'agent-turn-started'), 'the first turn');
    await eventually(() => client.live.getState().status === 'online', 'online');

    // The connection drops while the agent works, and stays down while the task goes red and green.
    network.unplug();
    server.server.closeLiveConnections('cut by the test');
    await eventually(() => ['reconnecting', 'offline'].includes(client.live.getState().status), 'the drop to be noticed');
    const seenBeforeDrop = events.getSnapshot().lastSeq;
    first.release({ messages: Array.from({ length: 50 }, (_, index) => `working ${index}`), edits: { 'src/sum.ts': 'wrong' } });
    const finished = await server.waitFor(task.id, ['succeeded', 'failed']);
    expect(finished.status).toBe('succeeded');
    expect(events.getSnapshot().lastSeq).toBe(seenBeforeDrop);

    network.plug();
    // The workspace is removed after the terminal status: the task's last event.
    await eventually(() => events.getSnapshot().events.at(-1)?.type === 'workspace-removed', 'the missed events');
    expect(client.live.getState()).toMatchObject({ status: 'online' });
    expect(client.live.getState().resumes).toBeGreaterThanOrEqual(1);

    const stored = await allEvents(server, task.id);
    expect(events.getSnapshot().events).toEqual(stored);
    const storedLogs = await server.orchestrator.readLogs(task.id);
    await eventually(() => logs.getSnapshot().lastSeq === storedLogs.at(-1)?.seq, 'the missed log chunks');
    const shown = logs.getSnapshot();
    expect(shown.lines.slice(0, shown.lineCount).map((line) => line.text)).toEqual(
      storedLogs
        .map((chunk) => chunk.text)
        .join('')
        .split('\n')
        .filter((line, index, all) => index < all.length - 1 || line !== ''),
    );
    stopEvents();
    stopLogs();
  });

  it('keeps a filtered list current: a new task appears, a status change moves it out of the filter', async () => {
    const turn = heldTurn();
    server = await startFakeServer({ agent: () => turn.script, ci: () => ({ conclusion: 'success' }) });
    const client = server.client();
    const watcher = server.client();
    const active = watcher.tasks({ status: ['queued', 'provisioning', 'cloning', 'agent-running', 'pushing', 'ci-waiting', 'feedback'] });
    const everything = watcher.tasks();
    const stops = [active.subscribe(() => {}), everything.subscribe(() => {})];
    await eventually(() => active.getSnapshot().status === 'ready', 'the first listing');
    expect(active.getSnapshot().tasks).toEqual([]);

    const task = await client.createTask({ repo: server.repo, prompt: 'Fix sum' });
    await eventually(() => active.getSnapshot().tasks.find((each) => each.id === task.id)?.status === 'agent-running', 'the running task');
    turn.release({ edits: { 'src/sum.ts': 'fixed' } });
    await server.waitFor(task.id, ['succeeded']);
    await eventually(() => active.getSnapshot().tasks.length === 0, 'the task to leave the active list');
    // The status shows from its event at once; the refetch that follows brings the attempts.
    await eventually(() => everything.getSnapshot().tasks[0]?.attempts.length === 1, 'the refetched task');
    expect(everything.getSnapshot().tasks[0]?.status).toBe('succeeded');
    expect(everything.getSnapshot().tasks[0]?.attempts.map((attempt) => attempt.conclusion)).toEqual(['success']);
    for (const stop of stops) stop();
  });

  it('folds a burst of 10k log lines into a few snapshots', async () => {
    server = await startFakeServer({
      agent: () => ({ messages: Array.from({ length: 10_000 }, (_, index) => `line ${index}`), edits: { 'src/sum.ts': 'ok' } }),
      ci: () => 'pending',
    });
    const client = server.client();
    const task = await client.createTask({ repo: server.repo, prompt: 'Talk a lot' });
    const logs = client.taskLogs(task.id);
    let snapshots = 0;
    const stop = logs.subscribe(() => {
      snapshots++;
    });
    await server.waitFor(task.id, ['ci-waiting']);
    const stored = await server.orchestrator.readLogs(task.id, { limit: 20_000 });
    expect(stored.length).toBeGreaterThan(10_000);
    await eventually(() => logs.getSnapshot().lastSeq === stored.at(-1)?.seq, 'every chunk');
    expect(
      logs
        .getSnapshot()
        .lines.slice(0, logs.getSnapshot().lineCount)
        .filter((line) => line.text.includes('"line ')).length,
    ).toBe(10_000);
    expect(snapshots).toBeLessThan(stored.length / 20);
    stop();
  });
});
