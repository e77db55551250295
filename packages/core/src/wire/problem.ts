import { z } from 'zod';
import { ampoErrorCodes } from '../errors.js';

/** One reason a request was invalid, as zod reported it. */
export const ProblemIssue = z.object({
  /** Where in the request: `["body", "prompt"]`, `["query", "limit"]`. */
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type ProblemIssue = z.infer<typeof ProblemIssue>;

/** An error on the wire: RFC 9457 problem details with ampo's error code. */
export const Problem = z.object({
  /** `urn:ampo:error:<code>` */
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  /** What went wrong and, where there is one, what to do about it. */
  detail: z.string(),
  code: z.enum(ampoErrorCodes),
  /** Whether the same request may succeed later. */
  retryable: z.boolean(),
  /** For invalid input: every reason. */
  issues: z.array(ProblemIssue).optional(),
});
export type Problem = z.infer<typeof Problem>;
