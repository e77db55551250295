import type { AgentEvent } from '../domain/agent.js';
import type { AgentUsage } from '../domain/task.js';
import type { AgentProcessEnd, AgentTurnEnd } from '../ports/agent-driver.js';
import { clip, eventLimits } from './stream-json.js';

type Usage = Partial<AgentUsage>;
type TokenKey = 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens';
const tokenKeys: readonly TokenKey[] = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'];

/**
 * Words that mean the agent could not get going: no or bad credentials, no network or service,
 * a missing binary. Matched only when the agent did no work, so a tool's own "timed out" or
 * "permission denied" in the middle of a real turn never turns a failure into a start failure.
 */
export const startFailurePattern =
  /not logged in|\/login|login flow|no api key|api[ _-]?key|unauthori[sz]ed|authenticat|invalid.{0,20}(?:key|token)|\b40[13]\b|forbidden|\b429\b|rate.?limit|overloaded|\b50[0234]\b|couldn'?t connect|could not connect|unable to connect|connection ?(?:refused|reset|failed)|api request failed|network|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|lookup address|socket hang up|fetch failed|stream disconnected|timed? ?out|ENOENT|no such file or directory|command not found|exec format error|permission denied/i;

const tailLines = (text: string, maxChars: number): string => {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  let tail = '';
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const next = tail ? `${lines[index]} | ${tail}` : (lines[index] ?? '');
    if (next.length > maxChars) return tail || clip(next, maxChars);
    tail = next;
  }
  return tail;
};

const describeExit = (end: AgentProcessEnd): string => {
  if (end.signal) return `was killed by ${end.signal}`;
  if (end.exitCode === null) return 'ended without an exit code';
  return `exited with code ${end.exitCode}`;
};

/**
 * What every parser records about one turn, and the one rule that turns it into an outcome.
 *
 * The rule (`finalize`), in order:
 * 1. A result line decides: ok → `completed`; an error → `failed`, or `start-failed` when the
 *    agent did no work (no tool call, no output tokens) and the reason reads like a start failure
 *    ({@link startFailurePattern}: auth, network, service, missing binary).
 * 2. No result line, and the process exited 126/127 (cannot execute / not found) → `start-failed`.
 * 3. No result line and no work: `start-failed` when the agent printed no structured line at all
 *    and was killed by a signal (it hung before any output, e.g. waiting for a login) or when its
 *    stderr, stray stdout or error events read like a start failure; otherwise `failed`.
 * 4. Anything else without a result line → `failed`, saying how the process ended and quoting
 *    the tail of its stderr.
 */
export interface TurnTracker {
  /** A `session` event when the id is new or changed, else nothing. */
  session(sessionId: string): AgentEvent[];
  /** The agent structured output: it got going (a JSON event that the CLI itself printed). */
  structured(): void;
  /** The agent did work: a tool call or model output. */
  work(): void;
  /** Stray stdout text or an error event, kept (last few) for the reason of a failure. */
  noise(message: string): void;
  /**
   * Records the usage one model message reported; messages repeated under one key (Claude Code
   * prints one line per content block, each with the message's usage) are counted once.
   * Returns a `usage` event with the turn's running totals when they changed.
   */
  messageUsage(key: string, usage: Usage): AgentEvent[];
  /** Records the agent's final word. `usage` given here is the turn's total and wins. */
  result(ok: boolean, reason: string | undefined, usage?: Usage): AgentEvent;
  /** The turn's usage so far. */
  usage(): Usage;
  finalize(end: AgentProcessEnd): AgentTurnEnd;
}

export const createTurnTracker = (agentName: string): TurnTracker => {
  let lastSessionId: string | undefined;
  let sawStructured = false;
  let didWork = false;
  let outcome: { ok: boolean; reason: string | undefined } | undefined;
  let finalUsage: Usage | undefined;
  const perMessage = new Map<string, Usage>();
  const noise: string[] = [];

  const totals = (): Usage => {
    const sum: Usage = {};
    for (const usage of perMessage.values()) {
      for (const key of tokenKeys) {
        const value = usage[key];
        if (value !== undefined) sum[key] = (sum[key] ?? 0) + value;
      }
      if (usage.costUsd !== undefined) sum.costUsd = (sum.costUsd ?? 0) + usage.costUsd;
    }
    if (!finalUsage) return sum;
    const merged: Usage = { ...sum };
    for (const key of tokenKeys) if (finalUsage[key] !== undefined) merged[key] = finalUsage[key];
    if (finalUsage.costUsd !== undefined) merged.costUsd = finalUsage.costUsd;
    if (finalUsage.durationMs !== undefined) merged.durationMs = finalUsage.durationMs;
    return merged;
  };

  const sameUsage = (a: Usage | undefined, b: Usage) =>
    a !== undefined && tokenKeys.every((key) => a[key] === b[key]) && a.costUsd === b.costUsd;

  return {
    session(sessionId) {
      sawStructured = true;
      if (!sessionId || sessionId === lastSessionId) return [];
      lastSessionId = sessionId;
      return [{ type: 'session', sessionId }];
    },
    structured() {
      sawStructured = true;
    },
    work() {
      didWork = true;
    },
    noise(message) {
      noise.push(clip(message, eventLimits.notice));
      if (noise.length > 5) noise.shift();
    },
    messageUsage(key, usage) {
      if ((usage.outputTokens ?? 0) > 0) didWork = true;
      if (sameUsage(perMessage.get(key), usage)) return [];
      perMessage.set(key, usage);
      return [{ type: 'usage', usage: totals() }];
    },
    result(ok, reason, usage) {
      sawStructured = true;
      outcome = { ok, reason };
      if (usage) {
        finalUsage = usage;
        if ((usage.outputTokens ?? 0) > 0) didWork = true;
      }
      const total = totals();
      return { type: 'result', ok, ...(reason ? { reason } : {}), usage: total };
    },
    usage: totals,
    finalize(end) {
      // One process run is one agent turn, whatever number of model turns it took.
      const usage: Usage = { turns: 1, ...totals() };
      const stderr = tailLines(end.stderrTail, 600);
      const heard = [outcome?.reason ?? '', stderr, ...noise].join('\n');
      const looksLikeStartFailure = !didWork && startFailurePattern.test(heard);

      if (outcome) {
        if (outcome.ok) return { outcome: 'completed', usage };
        const reason = `${agentName} reported an error: ${outcome.reason ?? 'no reason given'}`;
        return { outcome: looksLikeStartFailure ? 'start-failed' : 'failed', reason, usage };
      }

      const details = [stderr && `stderr: ${stderr}`, !stderr && noise.length > 0 && `output: ${noise.join(' | ')}`]
        .filter(Boolean)
        .join('; ');
      const exit = describeExit(end);
      const quoted = details ? ` (${details})` : '';

      if (end.exitCode === 126 || end.exitCode === 127) {
        return { outcome: 'start-failed', reason: `${agentName} could not be started: the process ${exit}${quoted}`, usage };
      }
      if (!didWork && ((!sawStructured && Boolean(end.signal)) || looksLikeStartFailure)) {
        return {
          outcome: 'start-failed',
          reason: `${agentName} did not get going: the process ${exit} before doing any work${quoted}`,
          usage,
        };
      }
      return { outcome: 'failed', reason: `${agentName} stopped without a result: the process ${exit}${quoted}`, usage };
    },
  };
};
