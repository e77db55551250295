// How the created tasks ended, as the API and the data directory tell it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiClient } from './api-client.js';

const terminal = new Set(['succeeded', 'failed', 'cancelled']);
export const isTerminal = (status: string) => terminal.has(status);

/**
 * `lost`: a created task the server no longer knows or that never ended. `wrong`: one that ended
 * otherwise than the sample scenario must: succeeded after a red then a green CI attempt.
 */
export const taskOutcomes = async (api: ApiClient, url: string, taskIds: readonly string[]) => {
  let lost = 0;
  let wrong = 0;
  const problems: string[] = [];
  for (const taskId of taskIds) {
    const { status, body } = await api.task(url, taskId);
    if (status !== 200 || !isTerminal(body.status)) {
      lost += 1;
      problems.push(`${taskId}: ${status === 200 ? `still ${body.status}` : `answered ${status}`}`);
      continue;
    }
    const attempts = body.attempts.map((attempt) => attempt.conclusion).join('→');
    if (body.status !== 'succeeded' || attempts !== 'failure→success') {
      wrong += 1;
      problems.push(`${taskId}: ${body.status} after ${attempts || 'no CI attempt'}`);
    }
  }
  return { lost, wrong, problems };
};

/** Review requests (local mode's pull requests) beyond one per task, from the data directory's reviews.json. */
export const duplicateReviewRequests = (dataDirectory: string): number => {
  let reviews: Array<{ taskId: string }> = [];
  try {
    reviews = (JSON.parse(readFileSync(join(dataDirectory, 'reviews.json'), 'utf8')) as { reviews: Array<{ taskId: string }> }).reviews;
  } catch {
    return 0;
  }
  const perTask = new Map<string, number>();
  for (const review of reviews) perTask.set(review.taskId, (perTask.get(review.taskId) ?? 0) + 1);
  return [...perTask.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
};
