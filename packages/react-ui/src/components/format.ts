import type { CiConclusion, Task, TaskStatus } from '@ampo/core/wire';

export const shortSha = (sha: string | undefined) => (sha ? sha.slice(0, 7) : '—');

/** `$0.42`; `—` when the agent reported no cost. */
export const formatCost = (usd: number | undefined) =>
  usd === undefined ? '—' : `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;

/** `12 s`, `5 min`, `3 h`, `2 d`: how long ago, for a list read at a glance. */
export const formatAge = (at: number, now: number) => {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
};

export const formatDuration = (ms: number | undefined) => {
  if (ms === undefined) return undefined;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
};

/** A task's name: its title, else the first line of its prompt. */
export const taskTitle = (task: Task) => task.request.title ?? task.request.prompt.split('\n')[0]?.slice(0, 120) ?? task.id;

export const statusLabels: Record<TaskStatus, string> = {
  queued: 'Queued',
  provisioning: 'Provisioning',
  cloning: 'Cloning',
  'agent-running': 'Agent working',
  pushing: 'Pushing',
  'ci-waiting': 'Waiting for CI',
  feedback: 'Feedback',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The tone a status or conclusion is shown in. */
export type Tone = 'neutral' | 'running' | 'success' | 'failure' | 'warning';

export const statusTone = (status: TaskStatus): Tone =>
  status === 'succeeded'
    ? 'success'
    : status === 'failed'
      ? 'failure'
      : status === 'cancelled'
        ? 'neutral'
        : status === 'queued'
          ? 'neutral'
          : 'running';

export const conclusionTone = (conclusion: CiConclusion | undefined): Tone => {
  if (!conclusion) return 'running';
  if (conclusion === 'success' || conclusion === 'neutral' || conclusion === 'skipped') return 'success';
  if (conclusion === 'action_required' || conclusion === 'stale') return 'warning';
  return 'failure';
};

export const conclusionLabel = (conclusion: CiConclusion | undefined) => (conclusion ? conclusion.replace(/_/g, ' ') : 'running');

/** The CI state a list shows: the watched commit's checks, else the last attempt's conclusion. */
export const ciState = (task: Task): { label: string; tone: Tone } => {
  if (task.ciWatch) {
    const done = task.checks.filter((check) => check.state === 'completed').length;
    return { label: task.checks.length > 0 ? `running ${done}/${task.checks.length}` : 'running', tone: 'running' };
  }
  const last = task.attempts.at(-1);
  if (!last) return { label: '—', tone: 'neutral' };
  return { label: conclusionLabel(last.conclusion), tone: conclusionTone(last.conclusion) };
};

export const isActive = (status: TaskStatus) => status !== 'succeeded' && status !== 'failed' && status !== 'cancelled';
