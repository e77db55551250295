// @vitest-environment ampo-dom
import type { FakeTurnScript } from '@ampo/core/testing';
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AmpoClient } from '../client/ampo-client.js';
import { type FakeServer, startFakeServer } from '../test-support/fake-server.js';
import { AmpoProvider } from './ampo-provider.js';
import { useCancelTask } from './use-cancel-task.js';
import { useConnection } from './use-connection.js';
import { useCreateTask } from './use-create-task.js';
import { useSendMessage } from './use-send-message.js';
import { useTask } from './use-task.js';
import { useTaskEvents } from './use-task-events.js';
import { useTaskLogs } from './use-task-logs.js';
import { useTasks } from './use-tasks.js';

const wrapperFor =
  (client: AmpoClient) =>
  ({ children }: { children: ReactNode }) => <AmpoProvider client={client}>{children}</AmpoProvider>;

const held = () => {
  let release: (script: FakeTurnScript) => void = () => {};
  const script = new Promise<FakeTurnScript>((resolve) => {
    release = resolve;
  });
  return { script, release: (value: FakeTurnScript) => release(value) };
};

/** Shows a task's line count and reports each of its renders. */
const LineCount = ({ taskId, onRender }: { taskId: string; onRender: () => void }) => {
  const { lineCount } = useTaskLogs(taskId);
  onRender();
  return <output aria-label="lines">{lineCount}</output>;
};

describe('the hooks against a real server', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    cleanup();
    await server?.close();
    server = undefined;
  });

  it('useCreateTask, useTasks and useTask follow a task from queued to succeeded; the server’s field errors come through', async () => {
    server = await startFakeServer({
      agent: ({ prompt }) => (prompt.includes('CI failed') ? { edits: { 'src/sum.ts': 'fixed' } } : { edits: { 'src/sum.ts': 'wrong' } }),
      ci: (_target, watch) =>
        watch === 1
          ? { conclusion: 'failure', failures: [{ check: 'test', kind: 'test', message: 'sum(1, 2) is -1' }] }
          : { conclusion: 'success' },
    });
    const client = server.client();
    const wrapper = wrapperFor(client);
    const { result } = renderHook(() => ({ create: useCreateTask(), list: useTasks() }), { wrapper });
    await waitFor(() => expect(result.current.list.status).toBe('ready'));

    const refused = await act(() => result.current.create.createTask({ repo: server!.repo, prompt: ' ' }).catch((error: unknown) => error));
    expect(refused).toMatchObject({ status: 400 });
    expect(result.current.create.error?.fieldErrors()).toHaveProperty('prompt');

    const task = await act(() => result.current.create.createTask({ repo: server!.repo, prompt: 'Fix sum' }));
    expect(result.current.create.error).toBeUndefined();
    const detail = renderHook(() => useTask(task.id), { wrapper });
    await waitFor(() => expect(detail.result.current.task?.attempts.map((attempt) => attempt.conclusion)).toEqual(['failure', 'success']));
    expect(detail.result.current.task?.status).toBe('succeeded');
    expect(detail.result.current.task?.attempts[0]?.digest).toContain('sum(1, 2) is -1');
    await waitFor(() => expect(result.current.list.tasks.map((each) => [each.id, each.status])).toEqual([[task.id, 'succeeded']]));
  });

  it('useSendMessage reaches the agent on the same thread; useCancelTask stops the task', async () => {
    const first = held();
    server = await startFakeServer({
      agent: ({ turnNumber }) => (turnNumber === 1 ? first.script : { outcome: 'hang' }),
      ci: () => ({ conclusion: 'success' }),
    });
    const client = server.client();
    const wrapper = wrapperFor(client);
    const task = await client.createTask({ repo: server.repo, prompt: 'Fix sum' });
    const { result } = renderHook(
      () => ({ send: useSendMessage(task.id), cancel: useCancelTask(task.id), events: useTaskEvents(task.id) }),
      {
        wrapper,
      },
    );
    await waitFor(() => expect(result.current.events.events.some((event) => event.type === 'agent-turn-started')).toBe(true));
    await act(() => result.current.send.sendMessage('Also add a test'));
    await waitFor(() =>
      expect(result.current.events.events.find((event) => event.type === 'message-received')).toMatchObject({ text: 'Also add a test' }),
    );
    first.release({ edits: { 'src/sum.ts': 'fixed' } });
    // CI goes green, so the message gets a turn of its own, on the same agent session.
    await waitFor(() => expect(server!.agent.turns.length).toBe(2));
    expect(server.agent.turns[1]?.prompt).toContain('Also add a test');
    expect(server.agent.turns[1]?.sessionId).toBe(server.agent.turns[0]?.sessionId);

    const cancelled = await act(() => result.current.cancel.cancelTask('not needed any more'));
    expect(cancelled.status).toBe('cancelled');
    await waitFor(() => expect(result.current.events.events.at(-1)?.type).toBe('workspace-removed'));
    const refused = await act(() => result.current.send.sendMessage('too late').catch((error: unknown) => error));
    expect(refused).toMatchObject({ status: 409, code: 'conflict' });
    expect(result.current.send.error?.code).toBe('conflict');
  });

  it('useConnection shows the drop and the resume; useTaskEvents and useTaskLogs go on without a gap or a repeat', async () => {
    const first = held();
    server = await startFakeServer({
      agent: ({ turnNumber }) => (turnNumber === 1 ? first.script : { outcome: 'hang' }),
      ci: () => 'pending',
    });
    const client = server.client();
    const task = await client.createTask({ repo: server.repo, prompt: 'Fix sum' });
    const { result } = renderHook(() => ({ connection: useConnection(), events: useTaskEvents(task.id), logs: useTaskLogs(task.id) }), {
      wrapper: wrapperFor(client),
    });
    await waitFor(() => expect(result.current.connection.status).toBe('online'));
    await waitFor(() => expect(result.current.events.status).toBe('ready'));

    const statuses = new Set<string>();
    const stop = client.live.onStateChange(() => statuses.add(client.live.getState().status));
    server.server.closeLiveConnections('cut by the test');
    first.release({ messages: Array.from({ length: 200 }, (_, index) => `line ${index}`), edits: { 'src/sum.ts': 'fixed' } });
    await waitFor(() => expect(result.current.events.events.some((event) => event.type === 'ci-run-started')).toBe(true));
    await waitFor(() => expect(result.current.connection.status).toBe('online'));
    stop();
    expect(statuses.has('reconnecting')).toBe(true);
    expect(result.current.connection.resumes).toBeGreaterThanOrEqual(1);

    const stored = await server.orchestrator.readEvents(task.id);
    await waitFor(() => expect(result.current.events.lastSeq).toBe(stored.at(-1)?.seq));
    expect(result.current.events.events.map((event) => event.seq)).toEqual(stored.map((_, index) => index + 1));
    const chunks = await server.orchestrator.readLogs(task.id);
    await waitFor(() => expect(result.current.logs.lastSeq).toBe(chunks.at(-1)?.seq));
    const texts = result.current.logs.lines.slice(0, result.current.logs.lineCount).map((line) => line.text);
    expect(texts.filter((text) => text.includes('"line '))).toHaveLength(200);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('renders a burst of 10k log lines in a few renders, not one per line', async () => {
    server = await startFakeServer({
      agent: () => ({ messages: Array.from({ length: 10_000 }, (_, index) => `line ${index}`), edits: { 'src/sum.ts': 'ok' } }),
      ci: () => 'pending',
    });
    const client = server.client();
    const task = await client.createTask({ repo: server.repo, prompt: 'Talk a lot' });
    let renders = 0;
    render(
      <AmpoProvider client={client}>
        <LineCount
          taskId={task.id}
          onRender={() => {
            renders++;
          }}
        />
      </AmpoProvider>,
    );
    await server.waitFor(task.id, ['ci-waiting']);
    const chunks = await server.orchestrator.readLogs(task.id, { limit: 20_000 });
    await waitFor(() => expect(Number(screen.getByLabelText('lines').textContent)).toBeGreaterThanOrEqual(10_000), { timeout: 20_000 });
    await waitFor(() => expect(client.taskLogs(task.id).getSnapshot().lastSeq).toBe(chunks.at(-1)?.seq), { timeout: 20_000 });
    expect(renders).toBeLessThan(chunks.length / 20);
  });
});
