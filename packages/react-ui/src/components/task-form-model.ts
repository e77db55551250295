import { type AgentKind, CreateTask, type CreateTaskInput } from '@ampo/core/wire';
import { type FieldErrors, issuesToFieldErrors } from '../client/request-error.js';

/** What the new-task form holds: text as typed. */
export interface TaskFormValues {
  repo: string;
  title: string;
  prompt: string;
  agent: AgentKind;
  baseBranch: string;
  maxCiAttempts: string;
  /** One check per line: `name: command`. */
  checks: string;
  maxCostUsd: string;
  maxAgentTurns: string;
  maxDurationMinutes: string;
}

export const emptyTaskForm: TaskFormValues = {
  repo: '',
  title: '',
  prompt: '',
  agent: 'amp',
  baseBranch: 'main',
  maxCiAttempts: '3',
  checks: '',
  maxCostUsd: '',
  maxAgentTurns: '',
  maxDurationMinutes: '',
};

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The request the form's values make; validation is left to the schema. */
export const taskRequestOf = (values: TaskFormValues): CreateTaskInput => {
  const checks = values.checks
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? { name: '', command: line } : { name: line.slice(0, colon).trim(), command: line.slice(colon + 1).trim() };
    });
  const minutes = number(values.maxDurationMinutes);
  const budget = {
    ...(number(values.maxCostUsd) !== undefined ? { maxCostUsd: number(values.maxCostUsd) } : {}),
    ...(number(values.maxAgentTurns) !== undefined ? { maxAgentTurns: number(values.maxAgentTurns) } : {}),
    ...(minutes !== undefined ? { maxDurationMs: Number.isFinite(minutes) ? Math.round(minutes * 60_000) : minutes } : {}),
  };
  return {
    repo: values.repo,
    prompt: values.prompt,
    agent: values.agent,
    ...(values.title.trim() ? { title: values.title } : {}),
    ...(values.baseBranch.trim() ? { baseBranch: values.baseBranch.trim() } : {}),
    ...(number(values.maxCiAttempts) !== undefined ? { maxCiAttempts: number(values.maxCiAttempts) } : {}),
    ...(checks.length > 0 ? { checks } : {}),
    ...(Object.keys(budget).length > 0 ? { budget } : {}),
  } as CreateTaskInput;
};

/** Where in the form an issue of the request belongs. */
export const fieldOfPath = (path: string): keyof TaskFormValues | 'form' => {
  if (path.startsWith('checks')) return 'checks';
  if (path === 'budget.maxCostUsd') return 'maxCostUsd';
  if (path === 'budget.maxAgentTurns') return 'maxAgentTurns';
  if (path === 'budget.maxDurationMs') return 'maxDurationMinutes';
  const field = path.split('.')[0] as keyof TaskFormValues;
  return field in emptyTaskForm ? field : 'form';
};

/** Request issues by form field; a check's issue names its line. */
export const formErrorsOf = (errors: FieldErrors): Partial<Record<keyof TaskFormValues | 'form', string[]>> => {
  const byField: Partial<Record<keyof TaskFormValues | 'form', string[]>> = {};
  for (const [path, messages] of Object.entries(errors)) {
    const field = fieldOfPath(path);
    const line = /^checks\.(\d+)\.(\w+)/.exec(path);
    const shown = line ? messages.map((message) => `Line ${Number(line[1]) + 1}, ${line[2]}: ${message}`) : messages;
    byField[field] = [...(byField[field] ?? []), ...shown];
  }
  return byField;
};

type Issue = {
  code: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  expected?: string;
  values?: unknown[];
  message?: string;
  input?: unknown;
};

/** Messages a person reads next to a field, for the issues a form can produce. */
const friendly = (issue: Issue): string | undefined => {
  if (issue.code === 'too_small')
    return issue.origin === 'string' && issue.minimum === 1 ? 'Required.' : `Must be at least ${issue.minimum}.`;
  if (issue.code === 'too_big')
    return issue.origin === 'string' ? `At most ${issue.maximum} characters.` : `Must be at most ${issue.maximum}.`;
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a number.';
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'Enter a whole number.';
  if (issue.code === 'invalid_value' && issue.values) return `Choose one of: ${issue.values.join(', ')}.`;
  return undefined;
};

/** Validates with the server's own schema: the same rules, before a request is sent. */
export const validateTaskForm = (values: TaskFormValues) => {
  const request = taskRequestOf(values);
  const result = CreateTask.safeParse(request, { jitless: true, error: (issue) => friendly(issue as unknown as Issue) });
  if (result.success) return { request, errors: {} };
  return { request, errors: formErrorsOf(issuesToFieldErrors(result.error.issues)) };
};
