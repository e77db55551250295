import type { AgentEvent } from '../domain/agent.js';
import type { AgentUsage } from '../domain/task.js';
import type { AgentDriver, AgentInvocation, AgentStreamParser } from '../ports/agent-driver.js';
import { type PromptTransport, promptGoesOnStdin } from './prompt-transport.js';
import { asArray, asObject, asString, asTokens, clip, describeJson, eventLimits, type JsonObject, parseJsonLine } from './stream-json.js';
import { createTurnTracker } from './turn-tracker.js';

export interface CodexDriverOptions {
  /** @default 'codex' */
  binary?: string;
  /** Sent as `CODEX_API_KEY` in the turn's secret environment. */
  apiKey?: string;
  /** `--model`. @default Codex's own default */
  model?: string;
  extraArgs?: readonly string[];
  env?: Record<string, string>;
  /** @default 'auto' */
  promptTransport?: PromptTransport;
}

/** Codex counts cached input inside `input_tokens`; ampo counts them apart, as Anthropic does. */
const readCodexUsage = (value: unknown): Partial<AgentUsage> | undefined => {
  const usage = asObject(value);
  if (!usage) return undefined;
  const input = asTokens(usage.input_tokens) ?? 0;
  const cached = asTokens(usage.cached_input_tokens) ?? 0;
  return {
    inputTokens: Math.max(0, input - cached),
    cacheReadTokens: cached,
    outputTokens: asTokens(usage.output_tokens) ?? 0,
  };
};

const toolOf = (item: JsonObject): { tool: string; input: string | undefined } | undefined => {
  switch (item.type) {
    case 'command_execution':
      return { tool: 'command_execution', input: describeJson(item.command, eventLimits.toolInput) };
    case 'file_change':
      return {
        tool: 'file_change',
        input: describeJson(
          asArray(item.changes).map(
            (change) => `${asString(asObject(change)?.kind) ?? 'change'} ${asString(asObject(change)?.path) ?? '?'}`,
          ),
          eventLimits.toolInput,
        ),
      };
    case 'mcp_tool_call':
      return {
        tool: `${asString(item.server) ?? 'mcp'}.${asString(item.tool) ?? 'tool'}`,
        input: describeJson(item.arguments, eventLimits.toolInput),
      };
    case 'web_search':
      return { tool: 'web_search', input: describeJson(item.query, eventLimits.toolInput) };
    default:
      return undefined;
  }
};

const toolOutput = (item: JsonObject): string | undefined => {
  if (item.type === 'command_execution') return describeJson(item.aggregated_output, eventLimits.toolOutput);
  if (item.type === 'mcp_tool_call') {
    const error = asString(asObject(item.error)?.message);
    return error ? clip(error, eventLimits.toolOutput) : describeJson(asObject(item.result)?.content, eventLimits.toolOutput);
  }
  return undefined;
};

const toolFailed = (item: JsonObject): boolean =>
  item.status === 'failed' || (typeof item.exit_code === 'number' && item.exit_code !== 0) || asObject(item.error) !== undefined;

/** The parser for `codex exec --json`: thread/turn/item events. */
export const createCodexStreamParser = (): AgentStreamParser => {
  const tracker = createTurnTracker('Codex');
  const announced = new Set<string>();

  const announce = (item: JsonObject): AgentEvent[] => {
    const tool = toolOf(item);
    const id = asString(item.id);
    if (!tool || (id && announced.has(id))) return [];
    if (id) announced.add(id);
    tracker.work();
    return [{ type: 'tool-use', tool: tool.tool, ...(id ? { id } : {}), ...(tool.input ? { input: tool.input } : {}) }];
  };

  const onItemCompleted = (item: JsonObject): AgentEvent[] => {
    switch (item.type) {
      case 'agent_message': {
        const text = asString(item.text);
        return text?.trim() ? [{ type: 'text', text: clip(text, eventLimits.text) }] : [];
      }
      case 'error': {
        const message = asString(item.message) ?? 'error item';
        tracker.noise(message);
        return [{ type: 'notice', message: clip(message, eventLimits.notice) }];
      }
      case 'command_execution':
      case 'file_change':
      case 'mcp_tool_call':
      case 'web_search': {
        const id = asString(item.id);
        const output = toolOutput(item);
        return [
          ...announce(item),
          { type: 'tool-result', ...(id ? { id } : {}), isError: toolFailed(item), ...(output ? { output } : {}) },
        ];
      }
      default:
        return [];
    }
  };

  return {
    parseLine(raw) {
      if (raw.trim().length === 0) return [];
      const line = parseJsonLine(raw);
      if (!line) {
        const message = clip(raw.trim(), eventLimits.notice);
        tracker.noise(message);
        return [{ type: 'notice', message }];
      }
      const item = asObject(line.item);
      switch (line.type) {
        case 'thread.started': {
          const threadId = asString(line.thread_id);
          return threadId ? tracker.session(threadId) : [{ type: 'notice', message: 'thread.started without a thread id' }];
        }
        case 'turn.started':
        case 'item.updated':
        case 'item.plan.delta':
          tracker.structured();
          return [];
        case 'item.started':
          tracker.structured();
          return item ? announce(item) : [];
        case 'item.completed':
          tracker.structured();
          return item ? onItemCompleted(item) : [];
        case 'turn.completed': {
          const usage = readCodexUsage(line.usage);
          return [tracker.result(true, undefined, usage)];
        }
        case 'turn.failed': {
          const reason = asString(asObject(line.error)?.message) ?? 'turn failed';
          return [tracker.result(false, clip(reason, eventLimits.notice), readCodexUsage(line.usage))];
        }
        case 'error': {
          // Transport errors; Codex retries some itself ("Reconnecting... 2/5"), so not the end.
          const message = clip(asString(line.message) ?? 'error', eventLimits.notice);
          tracker.structured();
          tracker.noise(message);
          return [{ type: 'error', message }];
        }
        default:
          return [{ type: 'notice', message: `unrecognised ${String(line.type ?? 'untyped')} line` }];
      }
    },
    finalize: (end) => tracker.finalize(end),
  };
};

/**
 * Drives `codex exec --json`:
 * `codex exec --json --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox [resume <thread id>] -- <prompt>`.
 *
 * Codex appends whatever it reads on stdin to the prompt, so the turn's stdin must be closed
 * (empty) unless the prompt travels there (then the prompt argument is `-`).
 */
export const codexDriver = (options: CodexDriverOptions = {}): AgentDriver => ({
  kind: 'codex',
  buildTurn({ prompt, sessionId }): AgentInvocation {
    const onStdin = promptGoesOnStdin(prompt, options.promptTransport);
    const argv = [
      options.binary ?? 'codex',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      ...(options.model ? ['--model', options.model] : []),
      ...(options.extraArgs ?? []),
      ...(sessionId ? ['resume', sessionId] : []),
      ...(onStdin ? ['-'] : ['--', prompt]),
    ];
    return {
      argv,
      env: { ...options.env },
      secretEnv: options.apiKey ? { CODEX_API_KEY: options.apiKey } : {},
      ...(onStdin ? { stdin: prompt } : {}),
    };
  },
  createParser: createCodexStreamParser,
});
