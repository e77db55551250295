import type { AgentDriver, AgentInvocation } from '../ports/agent-driver.js';
import { createClaudeStreamParser } from './claude-stream-parser.js';
import { type PromptTransport, promptGoesOnStdin } from './prompt-transport.js';

export interface ClaudeCodeDriverOptions {
  /** @default 'claude' */
  binary?: string;
  /** Sent as `ANTHROPIC_API_KEY` in the turn's secret environment. */
  apiKey?: string;
  /** `--model`, e.g. `sonnet`. @default Claude Code's own default */
  model?: string;
  /**
   * Sets `IS_SANDBOX=1`: Claude Code refuses `--dangerously-skip-permissions` as root otherwise.
   * Workers are containers, so this is on.
   * @default true
   */
  sandbox?: boolean;
  extraArgs?: readonly string[];
  env?: Record<string, string>;
  /** @default 'auto' */
  promptTransport?: PromptTransport;
}

/**
 * Drives Claude Code in print mode with stream-JSON output:
 * `claude -p --output-format stream-json --verbose --dangerously-skip-permissions [--resume <id>] -- <prompt>`.
 *
 * Claude Code keeps sessions under `~/.claude`, keyed by the working directory: follow-ups must
 * run with the same HOME and cwd. The session id comes from the `system/init` line.
 */
export const claudeCodeDriver = (options: ClaudeCodeDriverOptions = {}): AgentDriver => ({
  kind: 'claude-code',
  buildTurn({ prompt, sessionId }): AgentInvocation {
    const onStdin = promptGoesOnStdin(prompt, options.promptTransport);
    const argv = [
      options.binary ?? 'claude',
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--dangerously-skip-permissions',
      ...(sessionId ? ['--resume', sessionId] : []),
      ...(options.model ? ['--model', options.model] : []),
      ...(options.extraArgs ?? []),
      ...(onStdin ? [] : ['--', prompt]),
    ];
    return {
      argv,
      env: {
        ...(options.sandbox === false ? {} : { IS_SANDBOX: '1' }),
        DISABLE_AUTOUPDATER: '1',
        ...options.env,
      },
      secretEnv: options.apiKey ? { ANTHROPIC_API_KEY: options.apiKey } : {},
      ...(onStdin ? { stdin: prompt } : {}),
    };
  },
  createParser: () => createClaudeStreamParser({ agentName: 'Claude Code' }),
});
