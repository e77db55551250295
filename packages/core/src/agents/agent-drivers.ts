import type { AgentKind } from '../domain/task.js';
import type { AgentDriver } from '../ports/agent-driver.js';
import { type AmpDriverOptions, ampDriver } from './amp-driver.js';
import { type ClaudeCodeDriverOptions, claudeCodeDriver } from './claude-code-driver.js';
import { type CodexDriverOptions, codexDriver } from './codex-driver.js';

export interface AgentDriversOptions {
  amp?: AmpDriverOptions;
  'claude-code'?: ClaudeCodeDriverOptions;
  codex?: CodexDriverOptions;
}

/** One driver per {@link AgentKind}, picked by a task's `agent` field (`amp` by default). */
export const agentDrivers = (options: AgentDriversOptions = {}): Readonly<Record<AgentKind, AgentDriver>> => ({
  amp: ampDriver(options.amp),
  'claude-code': claudeCodeDriver(options['claude-code']),
  codex: codexDriver(options.codex),
});
