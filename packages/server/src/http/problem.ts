import { AmpoError, type AmpoErrorCode, type Problem, type ProblemIssue } from '@ampo/core';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { httpStatusOf, titleOf } from './error-status.js';

export const problemContentType = 'application/problem+json';

const codeOfHttpStatus: Readonly<Record<number, AmpoErrorCode>> = {
  400: 'invalid-input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'invalid-input',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/** Problem details for `code`, with a detail a person can act on. */
export const problem = (code: AmpoErrorCode, detail: string, extra: { issues?: ProblemIssue[]; retryable?: boolean } = {}): Problem => ({
  type: `urn:ampo:error:${code}`,
  title: titleOf[code],
  status: httpStatusOf[code],
  detail,
  code,
  retryable: extra.retryable ?? (code === 'rate-limited' || code === 'unavailable' || code === 'timeout'),
  ...(extra.issues ? { issues: extra.issues } : {}),
});

/** Every zod issue of a request part, with its path inside the request (`body.prompt`). */
export const issuesOf = (error: ZodError, part: string): ProblemIssue[] =>
  error.issues.map((issue) => ({
    path: [part, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))],
    message: issue.message,
  }));

export const invalidRequest = (error: ZodError, part: string): Problem => {
  const issues = issuesOf(error, part);
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    .join('; ');
  return problem('invalid-input', `The request is invalid: ${summary}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}.`, {
    issues,
  });
};

/**
 * The problem details for anything a handler threw. AmpoErrors keep their message (they are
 * written for people); anything else is a 500 that reveals nothing about the inside.
 */
export const problemOf = (error: unknown): Problem => {
  if (AmpoError.isInstance(error)) {
    const issues = error.details?.issues;
    return problem(error.code, error.message, {
      retryable: error.retryable,
      ...(Array.isArray(issues) && issues.every((issue) => typeof issue === 'string')
        ? { issues: issues.map((message: string) => ({ path: ['body'], message })) }
        : {}),
    });
  }
  if (error instanceof HTTPException) {
    const code = codeOfHttpStatus[error.status] ?? (error.status >= 500 ? 'internal' : 'invalid-input');
    if (code === 'internal') return problem('internal', 'The server failed to handle the request.');
    return problem(code, error.message || titleOf[code]);
  }
  return problem('internal', 'The server failed to handle the request. The server log has the details.');
};

export const problemResponse = (body: Problem, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status: body.status, headers: { 'content-type': problemContentType, ...headers } });
