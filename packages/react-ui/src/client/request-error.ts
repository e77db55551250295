import type { Problem, ProblemIssue } from '@ampo/core/wire';

/** Field name → the messages for it, e.g. `{ prompt: ['Too small: expected string to have >=1 characters'] }`. */
export type FieldErrors = Record<string, string[]>;

/**
 * A request the server refused or could not answer. `problem` is the server's RFC 9457 body
 * (absent when the server could not be reached or did not answer with one).
 */
export class AmpoRequestError extends Error {
  override readonly name = 'AmpoRequestError';
  /** The HTTP status; 0 when no response arrived. */
  readonly status: number;
  readonly problem: Problem | undefined;

  constructor(message: string, status: number, problem?: Problem, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.problem = problem;
  }

  /** The ampo error code (`invalid-input`, `not-found`, `conflict`, …), or `network` when no response arrived. */
  get code(): string {
    return this.problem?.code ?? (this.status === 0 ? 'network' : 'unknown');
  }

  /** Whether sending the same request again may succeed. */
  get retryable(): boolean {
    return this.problem?.retryable ?? (this.status === 0 || this.status >= 500);
  }

  /** The zod issues of a 400, by field of the request body (the `body` part of the path dropped). */
  fieldErrors(): FieldErrors {
    return issuesToFieldErrors((this.problem?.issues ?? []).map((issue) => ({ ...issue, path: dropBody(issue.path) })));
  }
}

const dropBody = (path: ProblemIssue['path']) => (path[0] === 'body' ? path.slice(1) : path);

/** Groups issues by their path, joined with dots (`checks.0.command`); issues without a path go under `''`. */
export const issuesToFieldErrors = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors => {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    const list = errors[key] ?? [];
    if (!list.includes(issue.message)) list.push(issue.message);
    errors[key] = list;
  }
  return errors;
};

/** Reads a problem body without zod, so the client does not pull it into every bundle. */
export const asProblem = (body: unknown): Problem | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = body as Record<string, unknown>;
  if (typeof value.code !== 'string' || typeof value.status !== 'number' || typeof value.detail !== 'string') return undefined;
  return value as unknown as Problem;
};
