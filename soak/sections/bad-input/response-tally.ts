// What the bad-input soak counts about each answer: a 5xx is a failure, a 4xx must be problem
// details with a reason, a 429 is the limiter doing its job (counted apart).
import type { RawRequest, RawResponse } from './paced-client.js';

export interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  rateLimited: number;
  /** 4xx answers that are not application/problem+json with a `detail` or `title`. */
  rejectedWithoutReason: number;
  /** Requests that got no answer (reset, timeout), apart from a connection closed on a too-large body. */
  unanswered: number;
  /** The first few of each kind of failure, for a person to reproduce. */
  examples: string[];
}

export const createTally = (): Tally => ({
  requests: 0,
  byStatus: {},
  serverErrors: 0,
  rateLimited: 0,
  rejectedWithoutReason: 0,
  unanswered: 0,
  examples: [],
});

const describeRequest = (raw: RawRequest) => {
  const body = raw.body === undefined ? '' : String(raw.body);
  return `${raw.method} ${raw.path.slice(0, 200)} ${JSON.stringify(raw.headers ?? {}).slice(0, 200)} body(${body.length})=${JSON.stringify(body.slice(0, 300))}`;
};

const remember = (tally: Tally, line: string) => {
  if (tally.examples.length < 20) tally.examples.push(line);
};

/** True when the body is RFC 9457 problem details that say why. */
export const hasReason = (response: RawResponse) => {
  if (!response.contentType.startsWith('application/problem+json')) return false;
  try {
    const body = JSON.parse(response.body) as { detail?: unknown; title?: unknown; status?: unknown };
    return (
      (typeof body.detail === 'string' && body.detail.length > 0) ||
      (typeof body.title === 'string' && body.title.length > 0 && body.status === response.status)
    );
  } catch {
    return false;
  }
};

export const record = (tally: Tally, raw: RawRequest, outcome: RawResponse | Error, options: { bodyOverLimit?: boolean } = {}) => {
  tally.requests += 1;
  if (outcome instanceof Error) {
    const reset = /ECONNRESET|EPIPE|socket hang up/.test(outcome.message);
    if (reset && options.bodyOverLimit) {
      tally.byStatus.reset = (tally.byStatus.reset ?? 0) + 1;
      return;
    }
    tally.unanswered += 1;
    remember(tally, `no answer (${outcome.message}): ${describeRequest(raw)}`);
    return;
  }
  const status = outcome.status;
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  if (status >= 500) {
    tally.serverErrors += 1;
    remember(tally, `${status} ${outcome.body.slice(0, 300)}: ${describeRequest(raw)}`);
  } else if (status === 429) {
    tally.rateLimited += 1;
  } else if (status >= 400 && !hasReason(outcome)) {
    tally.rejectedWithoutReason += 1;
    remember(tally, `${status} without a reason (${outcome.contentType}: ${outcome.body.slice(0, 200)}): ${describeRequest(raw)}`);
  }
};
