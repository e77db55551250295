// @vitest-environment ampo-dom
import type { FakeTurnScript } from '@ampo/core/testing';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AmpoProvider } from '../hooks/ampo-provider.js';
import { expectAccessible } from '../test-support/axe.js';
import { type FakeServer, startFakeServer } from '../test-support/fake-server.js';
import { AgentTranscript } from './agent-transcript.js';
import { CancelButton } from './cancel-button.js';
import { CiTimeline } from './ci-timeline.js';
import { DiffView } from './diff-view.js';
import { LiveLog } from './live-log.js';
import { MessageBox } from './message-box.js';
import { TaskDetail } from './task-detail.js';

const failure = { check: 'test', kind: 'test' as const, test: 'sum adds', file: 'src/sum.ts', line: 1, message: 'expected 3, got -1' };

const redThenGreen = () => ({
  agent: ({ prompt }: { prompt: string }): FakeTurnScript =>
    prompt.includes('CI failed')
      ? { messages: ['Fixed the sign.'], edits: { 'src/sum.ts': 'export const sum = (a, b) => a + b;\n' } }
      : { messages: ['Changed sum.'], edits: { 'src/sum.ts': 'export const sum = (a, b) => a - b;\n' } },
  ci: (_target: unknown, watch: number) =>
    watch === 1 ? { conclusion: 'failure' as const, failures: [failure] } : { conclusion: 'success' as const },
});

describe('the task components', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    cleanup();
    await server?.close();
  });

  it('<CiTimeline> shows each attempt with its commit, conclusion, failures and the digest sent to the agent; passes axe', async () => {
    server = await startFakeServer(redThenGreen());
    const client = server.client();
    const task = await server.orchestrator.createTask({ repo: server.repo, prompt: 'Fix sum' });
    const done = await server.waitFor(task.id, ['succeeded']);
    const { container } = render(
      <AmpoProvider client={client}>
        <CiTimeline taskId={task.id} />
      </AmpoProvider>,
    );
    const first = await screen.findByRole('listitem', { name: 'Attempt 1' });
    expect(within(first).getByText('failure', { selector: '.ampo-badge' })).toBeTruthy();
    expect(within(first).getByText(done.attempts[0]?.sha.slice(0, 7) as string)).toBeTruthy();
    expect(within(first).getByText('src/sum.ts:1', { exact: false, selector: 'code' })).toBeTruthy();
    expect(await within(first).findByText('Feedback sent to the agent (turn 2)')).toBeTruthy();
    expect(within(first).getByText(/expected 3, got -1/, { selector: 'pre' })).toBeTruthy();
    expect(within(screen.getByRole('listitem', { name: 'Attempt 2' })).getByText('success', { selector: '.ampo-badge' })).toBeTruthy();
    expect(screen.getByText('2 of 3 CI attempts used', { exact: false })).toBeTruthy();
    await expectAccessible(container);
  });

  it('<AgentTranscript> shows turns, the agent’s messages and tool calls and people’s messages; passes axe', async () => {
    server = await startFakeServer(redThenGreen());
    const client = server.client();
    const task = await server.orchestrator.createTask({ repo: server.repo, prompt: 'Fix sum' });
    await server.waitFor(task.id, ['succeeded']);
    const { container } = render(
      <AmpoProvider client={client}>
        <AgentTranscript taskId={task.id} />
      </AmpoProvider>,
    );
    expect(await screen.findByRole('heading', { name: 'Turn 1 · for the task' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Turn 2 · for CI feedback' })).toBeTruthy();
    expect(await screen.findByText('Changed sum.')).toBeTruthy();
    expect(await screen.findByText('Fixed the sign.')).toBeTruthy();
    expect(screen.getAllByText('edit_file')).toHaveLength(2);
    await expectAccessible(container);
  });

  it('<DiffView> renders a unified diff file by file, and the agent’s reported changes by pushed commit; passes axe', async () => {
    server = await startFakeServer(redThenGreen());
    const client = server.client();
    const task = await server.orchestrator.createTask({ repo: server.repo, prompt: 'Fix sum' });
    const done = await server.waitFor(task.id, ['succeeded']);
    const diff = [
      'diff --git a/src/sum.ts b/src/sum.ts',
      'index 1111111..2222222 100644',
      '--- a/src/sum.ts',
      '+++ b/src/sum.ts',
      '@@ -1,2 +1,2 @@',
      ' // sum',
      '-export const sum = (a, b) => a - b;',
      '+export const sum = (a, b) => a + b;',
      '',
    ].join('\n');
    const { container } = render(
      <AmpoProvider client={client}>
        <DiffView diff={diff} />
        <DiffView taskId={task.id} />
      </AmpoProvider>,
    );
    const table = screen.getByRole('table', { name: 'Changes in src/sum.ts' });
    expect(
      within(table)
        .getAllByRole('row')
        .map((row) => row.getAttribute('data-kind')),
    ).toEqual(['hunk', 'context', 'remove', 'add']);
    expect(within(table).getByText('added')).toBeTruthy();
    const commits = await screen.findAllByRole('region', { name: /^Commit / });
    expect(commits.map((commit) => commit.getAttribute('aria-label'))).toEqual(
      done.attempts.map((attempt) => `Commit ${attempt.sha.slice(0, 7)}`),
    );
    expect(within(commits[0] as HTMLElement).getByText('src/sum.ts')).toBeTruthy();
    await expectAccessible(container);
  });

  it('<LiveLog> shows the log as numbered lines with ANSI colours, only the ones in view; passes axe', async () => {
    server = await startFakeServer({
      agent: () => ({
        messages: ['\u001b[31mred\u001b[0m plain', ...Array.from({ length: 3000 }, (_, index) => `line ${index}`)],
        edits: { a: 'b' },
      }),
      ci: () => 'pending',
    });
    const client = server.client();
    const task = await server.orchestrator.createTask({ repo: server.repo, prompt: 'Talk' });
    await server.waitFor(task.id, ['ci-waiting']);
    const { container } = render(
      <AmpoProvider client={client}>
        <LiveLog taskId={task.id} height="300px" />
      </AmpoProvider>,
    );
    const log = await screen.findByRole('log', { name: 'Log' });
    await waitFor(() => expect(Number(log.getAttribute('data-line-count'))).toBeGreaterThan(3000));
    // Only a window of lines is in the page, however long the log.
    expect(log.querySelectorAll('[data-line]').length).toBeLessThan(200);
    await expectAccessible(container);
  });

  it('<MessageBox> sends a message on the same thread and <CancelButton> cancels after a confirmation; both pass axe', async () => {
    server = await startFakeServer({ agent: () => ({ outcome: 'hang' }), ci: () => 'pending' });
    const client = server.client();
    const task = await server.orchestrator.createTask({ repo: server.repo, prompt: 'Hang around' });
    await server.waitFor(task.id, ['agent-running']);
    const { container } = render(
      <AmpoProvider client={client}>
        <MessageBox taskId={task.id} />
        <CancelButton taskId={task.id} reason="not needed" />
      </AmpoProvider>,
    );
    const box = screen.getByRole('textbox', { name: 'Message to the agent' });
    await waitFor(() => expect((box as HTMLTextAreaElement).disabled).toBe(false));
    fireEvent.change(box, { target: { value: 'Please also add a test' } });
    await act(async () => {
      fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    });
    expect(await screen.findByText('Sent.')).toBeTruthy();
    const stored = await server.orchestrator.readEvents(task.id);
    expect(stored.find((event) => event.type === 'message-received')).toMatchObject({ text: 'Please also add a test', author: 'tester' });
    await expectAccessible(container);

    fireEvent.click(screen.getByRole('button', { name: 'Cancel task' }));
    const confirm = screen.getByRole('button', { name: 'Yes, cancel it' });
    expect(document.activeElement).toBe(confirm);
    await expectAccessible(container);
    fireEvent.click(confirm);
    await waitFor(async () => expect((await server!.orchestrator.getTask(task.id))?.status).toBe('cancelled'));
    await waitFor(() => expect((screen.getByRole('button', { name: 'Cancel task' }) as HTMLButtonElement).disabled).toBe(true));
  });

  it('<TaskDetail> puts it together for a live task; passes axe', async () => {
    server = await startFakeServer(redThenGreen());
    const client = server.client();
    const task = await server.orchestrator.createTask({ repo: server.repo, prompt: 'Fix sum', title: 'Fix the sum' });
    await server.waitFor(task.id, ['succeeded']);
    const { container } = render(
      <AmpoProvider client={client}>
        <TaskDetail taskId={task.id} />
      </AmpoProvider>,
    );
    expect(await screen.findByRole('heading', { name: 'Fix the sum', level: 2 })).toBeTruthy();
    for (const section of ['CI attempts', 'Live log', 'Agent transcript', 'Changes'])
      expect(screen.getByRole('region', { name: section })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel task' })).toBeNull();
    await waitFor(() => expect(screen.getAllByRole('listitem', { name: /Attempt/ })).toHaveLength(2));
    await expectAccessible(container);
  });
});
