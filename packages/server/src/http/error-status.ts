import type { AmpoErrorCode } from '@ampo/core';

/** The one table from an AmpoError code to the HTTP status that carries it. */
export const httpStatusOf: Readonly<Record<AmpoErrorCode, number>> = {
  'invalid-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  cancelled: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  internal: 500,
  'runtime-error': 502,
  'source-error': 502,
  'ci-error': 502,
  'agent-error': 502,
  'out-of-memory': 502,
  unavailable: 503,
  'image-missing': 503,
  'store-error': 503,
  'schema-too-new': 503,
  timeout: 504,
};

/** Short titles for problem details, by code. */
export const titleOf: Readonly<Record<AmpoErrorCode, string>> = {
  'invalid-input': 'Invalid request',
  unauthorized: 'Not authenticated',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  cancelled: 'Cancelled',
  'too-large': 'Request too large',
  'unsupported-media-type': 'Unsupported media type',
  'rate-limited': 'Too many requests',
  internal: 'Internal error',
  'runtime-error': 'Container runtime error',
  'source-error': 'Source host error',
  'ci-error': 'CI provider error',
  'agent-error': 'Agent error',
  'out-of-memory': 'Out of memory',
  unavailable: 'Unavailable',
  'image-missing': 'Worker image missing',
  'store-error': 'Task store error',
  'schema-too-new': 'Database schema too new',
  timeout: 'Timed out',
};
