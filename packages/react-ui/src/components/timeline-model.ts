import type { CheckStatus, CiConclusion, CiFailure, OrchestratorEvent, Task } from '@ampo/core/wire';

/** One CI attempt as the timeline shows it. */
export interface TimelineAttempt {
  attempt: number;
  sha: string;
  /** Absent while CI runs. */
  conclusion?: CiConclusion;
  checks: CheckStatus[];
  failures: CiFailure[];
  /** Failures that also fail on the base branch: shown, not charged to the agent. */
  baseFailures: CiFailure[];
  /** The feedback this attempt sent to the agent. */
  digest?: string;
  /** The agent turn that received the digest. */
  answeredByTurn?: number;
  startedAt: number;
  endedAt?: number;
}

/** The task's charged CI attempts, oldest first, with the checks of each, and the one running now. */
export const timelineOf = (task: Task, events: readonly OrchestratorEvent[]): TimelineAttempt[] => {
  const runEnds = new Map<string, Extract<OrchestratorEvent, { type: 'ci-run-end' }>>();
  const statuses = new Map<string, CheckStatus[]>();
  const feedbackTurns: { at: number; turn: number }[] = [];
  for (const event of events) {
    if (event.type === 'ci-run-end') runEnds.set(event.sha, event);
    if (event.type === 'ci-status-changed') statuses.set(event.sha, event.checks);
    if (event.type === 'agent-turn-started' && event.reason === 'ci-feedback') feedbackTurns.push({ at: event.seq, turn: event.turn });
  }
  const endSeq = new Map([...runEnds.values()].map((event) => [event.sha, event.seq]));
  const attempts: TimelineAttempt[] = task.attempts.map((attempt) => {
    const end = runEnds.get(attempt.sha);
    const seq = endSeq.get(attempt.sha);
    const answered = attempt.digest && seq !== undefined ? feedbackTurns.find((turn) => turn.at > seq) : undefined;
    return {
      attempt: attempt.attempt,
      sha: attempt.sha,
      conclusion: attempt.conclusion,
      checks: end?.checks ?? statuses.get(attempt.sha) ?? [],
      failures: attempt.failures,
      baseFailures: end?.baseFailures ?? [],
      ...(attempt.digest ? { digest: attempt.digest } : {}),
      ...(answered ? { answeredByTurn: answered.turn } : {}),
      startedAt: attempt.startedAt,
      ...(attempt.endedAt !== undefined ? { endedAt: attempt.endedAt } : {}),
    };
  });
  const watch = task.ciWatch;
  if (watch && !attempts.some((attempt) => attempt.attempt === watch.attempt && attempt.sha === watch.sha)) {
    attempts.push({
      attempt: watch.attempt,
      sha: watch.sha,
      checks: task.checks.length > 0 ? task.checks : (statuses.get(watch.sha) ?? []),
      failures: [],
      baseFailures: [],
      startedAt: watch.since,
    });
  }
  return attempts;
};
