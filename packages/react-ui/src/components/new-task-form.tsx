import type { Task } from '@ampo/core/wire';
import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import type { AmpoRequestError } from '../client/request-error.js';
import { useCreateTask } from '../hooks/use-create-task.js';
import { useRepositories } from '../hooks/use-repositories.js';
import { classNames } from './class-names.js';
import { emptyTaskForm, formErrorsOf, type TaskFormValues, validateTaskForm } from './task-form-model.js';

export interface NewTaskFormProps {
  /** Called with the task the server created. */
  onCreated?: (task: Task) => void;
  /** Values to start with, e.g. a repository. */
  initialValues?: Partial<TaskFormValues>;
  className?: string;
}

type Errors = ReturnType<typeof formErrorsOf>;

const newKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const labels: Record<keyof TaskFormValues, string> = {
  repo: 'Repository',
  title: 'Title',
  prompt: 'Prompt',
  agent: 'Agent',
  baseBranch: 'Base branch',
  maxCiAttempts: 'CI attempts',
  checks: 'Checks',
  maxCostUsd: 'Budget: cost (USD)',
  maxAgentTurns: 'Budget: agent turns',
  maxDurationMinutes: 'Budget: duration (minutes)',
};

/**
 * A form for a new task: repository, prompt, agent, checks, CI attempts and budget. It checks its
 * values with the server's own `CreateTask` schema before sending, shows every field's errors
 * (the server's too, should it refuse), and retries of one submission reuse one idempotency key.
 */
export const NewTaskForm = ({ onCreated, initialValues, className }: NewTaskFormProps) => {
  const [values, setValues] = useState<TaskFormValues>({ ...emptyTaskForm, ...initialValues });
  const [errors, setErrors] = useState<Errors>({});
  const { createTask, pending } = useCreateTask();
  const repositories = useRepositories();
  const key = useRef<string | undefined>(undefined);
  const summary = useRef<HTMLDivElement>(null);
  const id = useId();
  const fieldId = (field: keyof TaskFormValues) => `${id}-${field}`;

  const set = (field: keyof TaskFormValues) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setValues((current) => ({ ...current, [field]: value }));
    key.current = undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const { request, errors: found } = validateTaskForm(values);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrameSafe(() => summary.current?.focus());
      return;
    }
    key.current ??= newKey();
    try {
      const task = await createTask(request, { idempotencyKey: key.current });
      key.current = undefined;
      setValues({ ...emptyTaskForm, ...initialValues });
      onCreated?.(task);
    } catch (error) {
      const failure = error as AmpoRequestError;
      const fromServer = formErrorsOf(failure.fieldErrors());
      setErrors(Object.keys(fromServer).length > 0 ? fromServer : { form: [failure.message] });
      requestAnimationFrameSafe(() => summary.current?.focus());
    }
  };

  const field = (name: keyof TaskFormValues, control: (props: Record<string, unknown>) => ReactNode, hint?: string) => {
    const messages = errors[name];
    const described = [hint ? `${fieldId(name)}-hint` : '', messages ? `${fieldId(name)}-error` : ''].filter(Boolean).join(' ');
    return (
      <div className="ampo-field" data-field={name} data-invalid={messages ? true : undefined}>
        <label className="ampo-field__label" htmlFor={fieldId(name)}>
          {labels[name]}
        </label>
        {control({
          id: fieldId(name),
          name,
          className: 'ampo-input',
          value: values[name],
          onChange: set(name),
          'aria-invalid': messages ? true : undefined,
          'aria-describedby': described || undefined,
        })}
        {hint && (
          <span id={`${fieldId(name)}-hint`} className="ampo-field__hint">
            {hint}
          </span>
        )}
        {messages && (
          <span id={`${fieldId(name)}-error`} className="ampo-field__error">
            {messages.join(' ')}
          </span>
        )}
      </div>
    );
  };

  const listed = repositories.data?.repositories ?? [];
  const errorFields = Object.keys(errors) as (keyof TaskFormValues | 'form')[];

  return (
    <form className={classNames('ampo-theme', 'ampo-new-task', className)} onSubmit={submit} noValidate aria-label="New task">
      <div ref={summary} tabIndex={-1} className="ampo-new-task__summary">
        {errorFields.length > 0 && (
          <div role="alert" className="ampo-notice" data-tone="failure">
            <p>The task was not created:</p>
            <ul>
              {errorFields.map((name) => (
                <li key={name}>
                  {name === 'form' ? (
                    errors.form?.join(' ')
                  ) : (
                    <a href={`#${fieldId(name)}`}>
                      {labels[name]}: {errors[name]?.join(' ')}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {field(
        'repo',
        (props) => (
          <>
            <input {...props} list={listed.length > 0 ? `${id}-repositories` : undefined} autoComplete="off" spellCheck={false} />
            {listed.length > 0 && (
              <datalist id={`${id}-repositories`}>
                {listed.map((repo) => (
                  <option key={repo} value={repo} />
                ))}
              </datalist>
            )}
          </>
        ),
        repositories.data?.mode === 'github'
          ? 'owner/name on GitHub'
          : listed.length > 0
            ? `e.g. ${listed[0]}`
            : 'A path or URL git can clone',
      )}
      {field(
        'prompt',
        (props) => (
          <textarea {...props} rows={5} />
        ),
        'What the agent should do.',
      )}
      {field(
        'title',
        (props) => (
          <input {...props} />
        ),
        'Optional; the prompt’s first line otherwise.',
      )}
      <div className="ampo-new-task__row">
        {field('agent', (props) => (
          <select {...props}>
            <option value="amp">Amp</option>
            <option value="claude-code">Claude Code</option>
            <option value="codex">Codex</option>
          </select>
        ))}
        {field('baseBranch', (props) => (
          <input {...props} spellCheck={false} />
        ))}
        {field(
          'maxCiAttempts',
          (props) => (
            <input {...props} type="number" inputMode="numeric" min={1} max={20} />
          ),
          '1 to 20, the first run included.',
        )}
      </div>
      {field(
        'checks',
        (props) => (
          <textarea {...props} rows={3} spellCheck={false} placeholder="test: npm test" />
        ),
        'Optional, one per line as name: command. Without them the repository’s .ampo/checks.yml is used.',
      )}
      <fieldset className="ampo-new-task__budget">
        <legend>Budget (optional)</legend>
        <div className="ampo-new-task__row">
          {field('maxCostUsd', (props) => (
            <input {...props} type="number" inputMode="decimal" min={0} step="0.01" />
          ))}
          {field('maxAgentTurns', (props) => (
            <input {...props} type="number" inputMode="numeric" min={1} />
          ))}
          {field('maxDurationMinutes', (props) => (
            <input {...props} type="number" inputMode="numeric" min={1} />
          ))}
        </div>
      </fieldset>
      <div className="ampo-new-task__actions">
        <button type="submit" className="ampo-button ampo-button--primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create task'}
        </button>
      </div>
    </form>
  );
};

const requestAnimationFrameSafe = (run: () => void) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  else setTimeout(run, 0);
};
