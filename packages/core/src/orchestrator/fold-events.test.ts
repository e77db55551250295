import { describe, expect, it } from 'vitest';
import type { OrchestratorEvent } from '../domain/events.js';
import { CreateTask } from '../domain/task.js';
import { defaultMachineOptions, initialTask, transition } from '../machine/transition.js';
import { foldEvents } from './fold-events.js';
import type { EventInput } from './task-handle.js';

const created: OrchestratorEvent = {
  type: 'task-created',
  taskId: 't',
  seq: 1,
  at: 0,
  request: CreateTask.parse({ repo: 'r', prompt: 'p' }),
  branch: 'ampo/t',
};
/** A task whose agent turn 1 is running. */
const running = () => {
  let task = initialTask(created);
  const inputs: EventInput[] = [
    { type: 'task-started' },
    { type: 'workspace-created', workspaceId: 'w' },
    { type: 'repo-cloned', baseSha: 'base' },
    { type: 'agent-turn-started', turn: 1, reason: 'initial', prompt: 'p' },
  ];
  for (const input of inputs) {
    const folded = foldEvents(task, [input], { at: 1, machine: defaultMachineOptions, skip: () => false });
    task = folded.state;
  }
  return task;
};
const output = (line: number): EventInput => ({ type: 'agent-output', turn: 1, line, output: { type: 'text', text: `line ${line}` } });

describe('foldEvents', () => {
  it('folds a burst of agent output into one batch with contiguous seqs and no effects', () => {
    const task = running();
    const folded = foldEvents(task, [output(1), output(2), output(3)], { at: 5, machine: defaultMachineOptions, skip: () => false });
    expect(folded.taken).toBe(3);
    expect(folded.effects).toEqual([]);
    expect(folded.appended.map((event) => event.seq)).toEqual([task.lastSeq + 1, task.lastSeq + 2, task.lastSeq + 3]);
    expect(folded.state.lastSeq).toBe(task.lastSeq + 3);
  });

  it('ends the batch at the first event with effects, adding its status change, so its effects run before the rest', () => {
    const task = running();
    const ended: EventInput = { type: 'agent-turn-ended', turn: 1, outcome: 'completed' };
    const folded = foldEvents(task, [output(1), ended, output(2)], { at: 5, machine: defaultMachineOptions, skip: () => false });
    expect(folded.taken).toBe(2);
    expect(folded.appended.map((event) => event.type)).toEqual(['agent-output', 'agent-turn-ended', 'task-status-changed']);
    expect(folded.state.status).toBe('pushing');
    expect(folded.effects.map((effect) => effect.type)).toEqual(['arm-timer', 'push-branch']);
    // The same result as folding one by one through transition.
    let oneByOne = task;
    for (const event of folded.appended) oneByOne = transition(oneByOne, event)[0];
    expect(oneByOne).toEqual(folded.state);
  });

  it('takes skipped inputs without appending them, and nothing but a workspace removal after the end', () => {
    const task = running();
    const cancel: EventInput = { type: 'task-cancel-requested', reason: 'stop' };
    const skipped = foldEvents(task, [output(1), output(2)], { at: 5, machine: defaultMachineOptions, skip: (index) => index === 0 });
    expect(skipped.taken).toBe(2);
    expect(skipped.appended.map((event) => event.type === 'agent-output' && event.line)).toEqual([2]);
    const cancelled = foldEvents(task, [cancel], { at: 6, machine: defaultMachineOptions, skip: () => false }).state;
    expect(cancelled.status).toBe('cancelled');
    const after = foldEvents(cancelled, [output(3), { type: 'workspace-removed' }], {
      at: 7,
      machine: defaultMachineOptions,
      skip: () => false,
    });
    expect(after.appended.map((event) => event.type)).toEqual(['workspace-removed']);
  });
});
