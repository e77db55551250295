import type { CiFailure } from '../domain/ci.js';
import type { OrchestratorEvent } from '../domain/events.js';
import { CreateTask, type CreateTaskInput } from '../domain/task.js';

/** Builds well-formed events for tests of the pure machine: seq and at are filled in by `sequence`. */
export type EventDraft = OrchestratorEvent extends infer E
  ? E extends OrchestratorEvent
    ? Omit<E, 'taskId' | 'seq' | 'at'>
    : never
  : never;

export const failure = (message: string, check = 'test'): CiFailure => ({ check, kind: 'test', message, file: 'src/a.test.ts', line: 3 });

export const created = (input: Partial<CreateTaskInput> = {}): EventDraft => ({
  type: 'task-created',
  request: CreateTask.parse({ repo: 'acme/app', prompt: 'Fix the bug', ...input }),
  branch: 'ampo/t1-fix-the-bug',
});

/** Gives drafts a task id, contiguous seqs from `firstSeq` and times one second apart. */
export const sequence = (drafts: readonly EventDraft[], firstSeq = 1): OrchestratorEvent[] =>
  drafts.map((draft, index) => ({ ...draft, taskId: 't1', seq: firstSeq + index, at: 1_000 * (firstSeq + index) }) as OrchestratorEvent);

/** The events that take a task from creation to waiting on CI for its first push. */
export const toCiWaiting = (input: Partial<CreateTaskInput> = {}): EventDraft[] => [
  created(input),
  { type: 'task-started' },
  { type: 'workspace-created', workspaceId: 'ws-1' },
  { type: 'repo-cloned', baseSha: 'base000' },
  { type: 'agent-turn-started', turn: 1, reason: 'initial', prompt: 'Fix the bug', executionId: 'turn-1-0' },
  { type: 'agent-session-started', sessionId: 'T-1' },
  { type: 'agent-turn-ended', turn: 1, outcome: 'completed', usage: { inputTokens: 10, outputTokens: 5, turns: 1 } },
  { type: 'branch-pushed', branch: 'ampo/t1-fix-the-bug', sha: 'sha1', changed: true },
  { type: 'pull-request-opened', pullRequest: { number: 7, url: 'https://example.test/pr/7' } },
];
