import { describe, expect, it } from 'vitest';
import type { CiFailure } from '../domain/ci.js';
import type { OrchestratorEvent } from '../domain/events.js';
import type { Task } from '../domain/task-state.js';
import { resumeEffects } from './resume.js';
import { type EventDraft, sequence, toCiWaiting } from './test-events.js';
import { replay, type TransitionResult, transition } from './transition.js';

const flakyTest: CiFailure = {
  check: 'test',
  kind: 'test',
  test: 'stock > reserves the last pens',
  file: 'src/stock.js',
  line: 5,
  testFile: 'test/stock.test.js',
  testLine: 10,
  message: 'RangeError: cannot reserve 5 pen: 1 in stock',
};
const refused: CiFailure = {
  check: 'test',
  kind: 'infra',
  message: 'psql: error: connection to server at "127.0.0.1", port 5432 failed: Connection refused',
};
const lint: CiFailure = { check: 'lint', kind: 'lint', severity: 'error', file: 'src/app.js', line: 4, message: "'unused' is never used" };

const red = (failures: CiFailure[], changedFiles?: string[]): EventDraft => ({
  type: 'ci-run-end',
  sha: 'sha1',
  conclusion: 'failure',
  checks: [...new Set(failures.map((failure) => failure.check))].map((name) => ({ name, state: 'completed', conclusion: 'failure' })),
  failures,
  baseFailures: [],
  ...(changedFiles ? { changedFiles } : {}),
});
const green: EventDraft = { type: 'ci-run-end', sha: 'sha1', conclusion: 'success', checks: [], failures: [], baseFailures: [] };

/** Folds the drafts after the task reached ci-waiting; returns the task and the effects of the last event. */
const foldWith = (drafts: EventDraft[], input = {}): TransitionResult => {
  const events = sequence([...toCiWaiting(input), ...drafts]);
  const task = replay(events.slice(0, -1));
  return transition(task, events.at(-1) as OrchestratorEvent);
};

describe('infrastructure failures', () => {
  it('run the failed checks again, uncharged, instead of asking the agent', () => {
    const [task, effects] = foldWith([red([refused])]);
    expect(task.status).toBe('ci-waiting');
    expect(task.attempts).toEqual([]);
    expect(task.currentTurn?.turn).toBe(1);
    expect(effects).toEqual([{ type: 'watch-ci', sha: 'sha1', attempt: 1, rerun: { reason: 'infra', checks: ['test'], tests: [] } }]);
  });

  it('end the task with that reason when they keep failing, having burnt no attempt', () => {
    const rerunStarted: EventDraft = {
      type: 'ci-run-started',
      attempt: 1,
      sha: 'sha1',
      rerun: { reason: 'infra', checks: ['test'], tests: [] },
    };
    const [task, effects] = foldWith([red([refused]), rerunStarted, red([refused]), rerunStarted, red([refused])]);
    expect(task.status).toBe('failed');
    expect(task.failure?.code).toBe('ci-infra');
    expect(task.failure?.reason).toContain('CI failed on infrastructure, not on the code, 3 times in a row');
    expect(task.failure?.reason).toContain('Connection refused');
    expect(task.attempts).toEqual([]);
    expect(task.turnsStarted).toBe(1);
    expect(effects).toContainEqual({ type: 'remove-workspace' });
  });

  it.each(['timed_out', 'startup_failure'] as const)('count a %s run that said nothing more as infrastructure', (conclusion) => {
    const [task, effects] = foldWith([
      {
        type: 'ci-run-end',
        sha: 'sha1',
        conclusion,
        checks: [{ name: 'e2e', state: 'completed', conclusion }],
        failures: [],
        baseFailures: [],
      },
    ]);
    expect(task.attempts).toEqual([]);
    expect(effects).toEqual([{ type: 'watch-ci', sha: 'sha1', attempt: 1, rerun: { reason: 'infra', checks: ['e2e'], tests: [] } }]);
  });

  it('are left out of the feedback when the code failed too', () => {
    const [task] = foldWith([red([refused, lint])]);
    expect(task.status).toBe('feedback');
    expect(task.attempts).toHaveLength(1);
    expect(task.currentTurn?.prompt).toContain("'unused' is never used");
    expect(task.currentTurn?.prompt).not.toContain('Connection refused');
  });
});

describe('flaky tests', () => {
  it('get one re-run when every failing test is in code the agent did not touch', () => {
    const [task, effects] = foldWith([red([flakyTest], ['src/cart.js'])]);
    expect(task.status).toBe('ci-waiting');
    expect(task.attempts).toEqual([]);
    expect(effects).toEqual([
      {
        type: 'watch-ci',
        sha: 'sha1',
        attempt: 1,
        rerun: { reason: 'flaky', checks: ['test'], tests: ['stock > reserves the last pens'] },
      },
    ]);
  });

  it('are reported as flaky, with the test named, and not charged when the re-run passes', () => {
    const [task] = foldWith([red([flakyTest], ['src/cart.js']), green]);
    expect(task.status).toBe('succeeded');
    expect(task.attempts).toEqual([expect.objectContaining({ attempt: 1, conclusion: 'success', failures: [], flaky: [flakyTest] })]);
    expect(task.turnsStarted).toBe(1);
  });

  it('are charged as usual when the re-run fails again, and re-run at most once per attempt', () => {
    const [task, effects] = foldWith([red([flakyTest], ['src/cart.js']), red([flakyTest], ['src/cart.js'])]);
    expect(task.status).toBe('feedback');
    expect(task.attempts).toEqual([expect.objectContaining({ attempt: 1, conclusion: 'failure', failures: [flakyTest] })]);
    expect(task.attempts[0]).not.toHaveProperty('flaky');
    expect(effects).toContainEqual(expect.objectContaining({ type: 'run-agent-turn', reason: 'ci-feedback' }));
  });

  it.each([
    ['the test is a file the agent changed', [flakyTest], ['test/stock.test.js']],
    ['the code it tests is a file the agent changed', [flakyTest], ['src/stock.js']],
    ['the changed files are unknown', [flakyTest], undefined],
    ['another failure is a lint error', [flakyTest, lint], ['src/cart.js']],
    ['the failure names no file', [{ ...flakyTest, file: undefined, testFile: undefined }], ['src/cart.js']],
  ])('are not re-run when %s', (_, failures, changedFiles) => {
    const [task, effects] = foldWith([red(failures, changedFiles)]);
    expect(task.attempts).toHaveLength(1);
    expect(effects.some((effect) => effect.type === 'watch-ci')).toBe(false);
  });

  it('is asked of CI once across a restart: a re-run already started is only followed', () => {
    const events = sequence([...toCiWaiting(), red([flakyTest], ['src/cart.js'])]);
    const asked = replay(events) as Task;
    expect(resumeEffects(asked, 99_000)).toContainEqual(
      expect.objectContaining({ type: 'watch-ci', rerun: expect.objectContaining({ reason: 'flaky' }) }),
    );
    const started = replay([
      ...events,
      ...sequence(
        [{ type: 'ci-run-started', attempt: 1, sha: 'sha1', rerun: { reason: 'flaky', checks: ['test'], tests: [] } }],
        events.length + 1,
      ),
    ]) as Task;
    const watch = resumeEffects(started, 99_000).find((effect) => effect.type === 'watch-ci');
    expect(watch).toEqual({ type: 'watch-ci', sha: 'sha1', attempt: 1 });
  });
});
