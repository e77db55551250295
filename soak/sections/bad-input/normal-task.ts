// A task any user would run, to prove the server still does its job after the abuse.
import { fixedChange } from '@ampo/testkit';

/** The scripted agent makes the right change at once: one agent turn, one green CI run. */
export const oneTurnScenario = {
  steps: [{ name: 'first-attempt', files: fixedChange, messages: ['[scripted agent] Added an offset to sum.'] }],
};

const finished = ['succeeded', 'failed', 'cancelled'];

/** Creates a task on `repo` and waits (at most `timeoutMs`) for it to finish; resolves with its id and status. */
export const runNormalTask = async (url: string, token: string, repo: string, onCreated?: (id: string) => void, timeoutMs = 240_000) => {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${url}/api/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ repo, prompt: 'Let sum take an offset' }),
  });
  if (created.status !== 201) throw new Error(`a normal task was refused: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  onCreated?.(id);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = (await (await fetch(`${url}/api/tasks/${id}`, { headers })).json()) as { status: string; failure?: unknown };
    if (finished.includes(task.status)) return { id, status: task.status, task };
    if (Date.now() > deadline) return { id, status: `still ${task.status} after ${timeoutMs} ms`, task };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};
