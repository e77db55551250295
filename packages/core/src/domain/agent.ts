import { z } from 'zod';
import { AgentUsagePatch } from './task.js';

/** What an agent's stream says, normalised across Amp, Claude Code and Codex. */
export const AgentEvent = z.discriminatedUnion('type', [
  /** The agent's thread/session id: follow-ups continue it. */
  z.object({ type: z.literal('session'), sessionId: z.string() }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool-use'), tool: z.string(), id: z.string().optional(), input: z.string().optional() }),
  z.object({
    type: z.literal('tool-result'),
    id: z.string().optional(),
    isError: z.boolean().default(false),
    output: z.string().optional(),
  }),
  z.object({ type: z.literal('usage'), usage: AgentUsagePatch }),
  /** The agent's own final word on the turn. */
  z.object({
    type: z.literal('result'),
    ok: z.boolean(),
    reason: z.string().optional(),
    usage: AgentUsagePatch.optional(),
  }),
  /** A line the parser did not recognise. Never an error. */
  z.object({ type: z.literal('notice'), message: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

/**
 * How one agent turn ended, as decided by the driver's `finalize`.
 * - `completed`: the agent reported success.
 * - `failed`: the agent ran and failed (error result, crash, no result).
 * - `start-failed`: the agent never really ran (could not start, auth or service outage before
 *   any work); such a turn is not charged as a CI attempt.
 */
export const AgentTurnOutcome = z.enum(['completed', 'failed', 'start-failed']);
export type AgentTurnOutcome = z.infer<typeof AgentTurnOutcome>;
