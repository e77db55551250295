import { describe, expect, it } from 'vitest';
import { OrchestratorEvent } from './events.js';
import { CreateTask } from './task.js';

describe('OrchestratorEvent', () => {
  it('keeps a usage report as reported: absent counts stay absent', () => {
    const event = OrchestratorEvent.parse({
      type: 'agent-turn-ended',
      taskId: 't',
      seq: 3,
      at: 1,
      turn: 1,
      outcome: 'completed',
      usage: { outputTokens: 5 },
    });
    expect(event.type === 'agent-turn-ended' && event.usage).toEqual({ outputTokens: 5 });
  });

  it('rejects an event without its per-task seq', () => {
    expect(OrchestratorEvent.safeParse({ type: 'task-started', taskId: 't', at: 1 }).success).toBe(false);
  });
});

describe('CreateTask', () => {
  it('applies defaults and rejects unknown fields and bad branch names', () => {
    expect(CreateTask.parse({ repo: 'acme/app', prompt: 'x' })).toMatchObject({ baseBranch: 'main', agent: 'amp', maxCiAttempts: 3 });
    expect(CreateTask.safeParse({ repo: 'acme/app', prompt: 'x', colour: 'red' }).success).toBe(false);
    expect(CreateTask.safeParse({ repo: 'acme/app', prompt: 'x', baseBranch: '../etc' }).success).toBe(false);
    expect(CreateTask.safeParse({ repo: 'acme/app', prompt: 'x', maxCiAttempts: 0 }).success).toBe(false);
  });
});
