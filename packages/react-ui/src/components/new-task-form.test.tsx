// @vitest-environment ampo-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AmpoProvider } from '../hooks/ampo-provider.js';
import { expectAccessible } from '../test-support/axe.js';
import { type FakeServer, startFakeServer } from '../test-support/fake-server.js';
import { NewTaskForm } from './new-task-form.js';
import { emptyTaskForm, validateTaskForm } from './task-form-model.js';

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('<NewTaskForm>', () => {
  let server: FakeServer | undefined;
  afterEach(async () => {
    cleanup();
    await server?.close();
  });

  it('validates with the server’s CreateTask schema: every field’s error, labelled, and nothing sent', () => {
    const { errors } = validateTaskForm({
      ...emptyTaskForm,
      maxCiAttempts: '0',
      checks: 'lint: npm run lint\nno command name',
      maxCostUsd: '-1',
    });
    expect(errors).toEqual({
      repo: ['Required.'],
      prompt: ['Required.'],
      maxCiAttempts: ['Must be at least 1.'],
      checks: ['Line 2, name: Required.'],
      maxCostUsd: ['Must be at least 0.'],
    });
    expect(validateTaskForm({ ...emptyTaskForm, repo: 'acme/app', prompt: 'Fix it', maxCiAttempts: '2.5' }).errors).toEqual({
      maxCiAttempts: ['Enter a whole number.'],
    });
  });

  it('shows field errors for invalid input, then creates the task with one idempotency key; passes axe', async () => {
    server = await startFakeServer({ agent: () => ({ outcome: 'hang' }), ci: () => 'pending' });
    const client = server.client();
    const created: string[] = [];
    const { container } = render(
      <AmpoProvider client={client}>
        <NewTaskForm onCreated={(task) => created.push(task.id)} />
      </AmpoProvider>,
    );
    type('CI attempts', '50');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Create task' }));
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Repository: Required.');
    expect(screen.getByLabelText('Prompt').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('textbox', { name: 'Prompt' }).getAttribute('aria-describedby')).toContain('error');
    expect(screen.getByText('Must be at most 20.')).toBeTruthy();
    await expectAccessible(container);
    expect((await client.api.listTasks()).tasks).toHaveLength(0);

    // The repository list comes from the server.
    await waitFor(() => expect(container.querySelector('datalist option')?.getAttribute('value')).toBe(server!.repo));
    type('Repository', server.repo);
    type('Prompt', 'Fix sum');
    type('CI attempts', '2');
    type('Checks', 'test: node --test');
    type('Budget: cost (USD)', '1.5');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Create task' }));
    });
    await waitFor(() => expect(created).toHaveLength(1));
    const task = await client.api.getTask(created[0] as string);
    expect(task.request).toMatchObject({
      repo: server.repo,
      prompt: 'Fix sum',
      maxCiAttempts: 2,
      checks: [{ name: 'test', command: 'node --test' }],
      budget: { maxCostUsd: 1.5 },
    });
    expect(task.idempotencyKey).toMatch(/^[\w-]+$/);
    expect(screen.queryByRole('alert')).toBeNull();
    expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe('');
  });
});
