import type { AgentEvent } from '../domain/agent.js';
import type { AgentUsage } from '../domain/task.js';
import type { AgentStreamParser } from '../ports/agent-driver.js';
import {
  asArray,
  asCount,
  asObject,
  asString,
  asTokens,
  clip,
  describeJson,
  eventLimits,
  type JsonObject,
  parseJsonLine,
} from './stream-json.js';
import { createTurnTracker } from './turn-tracker.js';

export interface ClaudeStreamParserOptions {
  /** The agent's name in reasons a person reads, e.g. `Amp`. */
  agentName: string;
  /** Cleans stray non-JSON stdout before it becomes a notice (e.g. one-time login links). */
  cleanNotice?: (text: string) => string;
}

/** Token counts in Anthropic's usage shape (`input_tokens`, `cache_read_input_tokens`, …). */
export const readAnthropicUsage = (value: unknown): Partial<AgentUsage> | undefined => {
  const usage = asObject(value);
  if (!usage) return undefined;
  const result: Partial<AgentUsage> = {};
  const input = asTokens(usage.input_tokens);
  const output = asTokens(usage.output_tokens);
  const cacheRead = asTokens(usage.cache_read_input_tokens);
  const cacheWrite = asTokens(usage.cache_creation_input_tokens);
  if (input !== undefined) result.inputTokens = input;
  if (output !== undefined) result.outputTokens = output;
  if (cacheRead !== undefined) result.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) result.cacheWriteTokens = cacheWrite;
  return result;
};

const toolResultText = (content: unknown): string | undefined => {
  if (typeof content === 'string') return clip(content, eventLimits.toolOutput);
  const parts = asArray(content)
    .map((block) => asObject(block))
    .map((block) => (block?.type === 'text' ? asString(block.text) : describeJson(block, eventLimits.toolOutput)))
    .filter((part): part is string => part !== undefined);
  return parts.length > 0 ? clip(parts.join('\n'), eventLimits.toolOutput) : undefined;
};

const resultReason = (line: JsonObject): string | undefined => {
  const errors = asArray(line.errors).map((error) => asString(error) ?? describeJson(error, eventLimits.notice));
  const error = asString(line.error) ?? asString(asObject(line.error)?.message);
  const text = [...errors.filter(Boolean), error, asString(line.result)].find((part) => part && part.trim().length > 0);
  const subtype = asString(line.subtype);
  const detail = text ? clip(text.trim(), eventLimits.notice) : undefined;
  if (subtype && subtype !== 'success') return detail ? `${subtype}: ${detail}` : subtype;
  return detail;
};

/**
 * The parser for Claude Code's `--output-format stream-json --verbose` and Amp's
 * `--stream-json`, which prints the same shapes: `system/init`, `assistant` and `user` messages
 * with content blocks, and one final `result`.
 */
export const createClaudeStreamParser = (options: ClaudeStreamParserOptions): AgentStreamParser => {
  const tracker = createTurnTracker(options.agentName);
  let anonymousMessages = 0;

  const onAssistant = (line: JsonObject): AgentEvent[] => {
    const message = asObject(line.message);
    if (!message) return [{ type: 'notice', message: 'assistant line without a message' }];
    const events: AgentEvent[] = [];
    for (const block of asArray(message.content).map(asObject)) {
      if (!block) continue;
      if (block.type === 'text') {
        const text = asString(block.text);
        if (text?.trim()) events.push({ type: 'text', text: clip(text, eventLimits.text) });
      } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
        tracker.work();
        const id = asString(block.id);
        const input = describeJson(block.input, eventLimits.toolInput);
        events.push({
          type: 'tool-use',
          tool: asString(block.name) ?? 'unknown',
          ...(id ? { id } : {}),
          ...(input ? { input } : {}),
        });
      }
    }
    const usage = readAnthropicUsage(message.usage);
    if (usage) {
      // Claude Code repeats a message's id (and usage) on one line per content block; Amp may omit ids.
      const key = asString(message.id) ?? `anonymous-${++anonymousMessages}`;
      events.push(...tracker.messageUsage(key, usage));
    }
    return events;
  };

  const onUser = (line: JsonObject): AgentEvent[] => {
    const events: AgentEvent[] = [];
    for (const block of asArray(asObject(line.message)?.content).map(asObject)) {
      if (block?.type !== 'tool_result') continue;
      const id = asString(block.tool_use_id);
      const output = toolResultText(block.content);
      events.push({
        type: 'tool-result',
        ...(id ? { id } : {}),
        isError: block.is_error === true,
        ...(output ? { output } : {}),
      });
    }
    return events;
  };

  const onSystem = (line: JsonObject): AgentEvent[] => {
    const sessionId = asString(line.session_id);
    if (line.subtype === 'init') return sessionId ? tracker.session(sessionId) : [];
    tracker.structured();
    if (line.subtype === 'api_retry') {
      const message = `API request failed, retrying (attempt ${String(line.attempt ?? '?')} of ${String(line.max_retries ?? '?')}): ${String(line.error ?? 'unknown error')}`;
      tracker.noise(message);
      return [{ type: 'notice', message }];
    }
    return [{ type: 'notice', message: `system ${String(line.subtype ?? 'event')}` }];
  };

  const onResult = (line: JsonObject): AgentEvent[] => {
    const ok = line.is_error !== true && (line.subtype === undefined || line.subtype === 'success');
    const usage: Partial<AgentUsage> = { ...readAnthropicUsage(line.usage) };
    const cost = asCount(line.total_cost_usd);
    const duration = asCount(line.duration_ms);
    if (cost !== undefined) usage.costUsd = cost;
    if (duration !== undefined) usage.durationMs = duration;
    const events: AgentEvent[] = [];
    const sessionId = asString(line.session_id);
    if (sessionId) events.push(...tracker.session(sessionId));
    events.push(tracker.result(ok, ok ? undefined : resultReason(line), usage));
    return events;
  };

  return {
    parseLine(raw) {
      if (raw.trim().length === 0) return [];
      const line = parseJsonLine(raw);
      if (!line) {
        const message = clip((options.cleanNotice ?? ((text) => text))(raw.trim()), eventLimits.notice);
        tracker.noise(message);
        return [{ type: 'notice', message }];
      }
      switch (line.type) {
        case 'system':
          return onSystem(line);
        case 'assistant': {
          tracker.structured();
          const sessionId = asString(line.session_id);
          return [...(sessionId ? tracker.session(sessionId) : []), ...onAssistant(line)];
        }
        case 'user':
          tracker.structured();
          return onUser(line);
        case 'result':
          return onResult(line);
        case 'stream_event':
          // Partial-message deltas (only with --include-partial-messages); the full message follows.
          return [];
        default:
          return [{ type: 'notice', message: `unrecognised ${String(line.type ?? 'untyped')} line` }];
      }
    },
    finalize: (end) => tracker.finalize(end),
  };
};
