// @vitest-environment ampo-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AmpoProvider } from '../hooks/ampo-provider.js';
import { expectAccessible } from '../test-support/axe.js';
import { type FakeServer, startFakeServer } from '../test-support/fake-server.js';
import { TaskList } from './task-list.js';

describe('<TaskList>', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    cleanup();
    await server?.close();
  });

  it('lists tasks live with status, repository, branch, CI, attempts, cost and age, filters them, and passes axe', async () => {
    server = await startFakeServer({
      agent: ({ prompt }) => ({ edits: { 'src/sum.ts': prompt.includes('CI failed') ? 'fixed' : 'wrong' }, usage: { costUsd: 0.25 } }),
      ci: (_target, watch) =>
        watch === 1
          ? { conclusion: 'failure', failures: [{ check: 'test', kind: 'test', message: 'sum is wrong' }] }
          : { conclusion: 'success' },
    });
    const client = server.client();
    const done = await client.createTask({ repo: server.repo, prompt: 'Fix sum\nand test it', maxCiAttempts: 3 });
    await server.waitFor(done.id, ['succeeded']);
    const { container } = render(
      <AmpoProvider client={client}>
        <TaskList taskHref={(task) => `/tasks/${task.id}`} now={done.createdAt + 120_000} />
      </AmpoProvider>,
    );
    const row = await screen.findByRole('row', { name: /Fix sum/ });
    const cells = within(row);
    expect(cells.getByRole('link', { name: 'Fix sum' }).getAttribute('href')).toBe(`/tasks/${done.id}`);
    expect(cells.getByText('Succeeded')).toBeTruthy();
    expect(cells.getByText(server.repo)).toBeTruthy();
    expect(cells.getByText(done.branch)).toBeTruthy();
    expect(cells.getByText('success')).toBeTruthy();
    expect(cells.getByText('2/3')).toBeTruthy();
    expect(cells.getByText('$0.50')).toBeTruthy();
    expect(cells.getByText('2 min')).toBeTruthy();
    await expectAccessible(container);

    // A task created now appears without a reload; the Failed filter hides both.
    const running = await client.createTask({ repo: server.repo, prompt: 'Another one' });
    await screen.findByRole('link', { name: 'Another one' });
    fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'failed' } });
    await waitFor(() => expect(screen.queryByRole('table')).toBeNull());
    expect(await screen.findByText('No tasks match these filters.')).toBeTruthy();
    await server.waitFor(running.id, ['succeeded', 'failed']);
  });
});
