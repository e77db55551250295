import type { AgentDriver, AgentInvocation } from '../ports/agent-driver.js';
import { createClaudeStreamParser } from './claude-stream-parser.js';
import { type PromptTransport, promptGoesOnStdin } from './prompt-transport.js';

/**
 * Amp's settings for a worker: no self-update inside a container. Write it as JSON to
 * {@link ampSettingsPath} under the agent's HOME (or pass `settingsFile`).
 */
export const ampSettings = { 'amp.updates.mode': 'disabled' } as const;
export const ampSettingsFileContent = `${JSON.stringify(ampSettings, null, 2)}\n`;
/** Where Amp reads its settings, relative to HOME. */
export const ampSettingsPath = '.config/amp/settings.json';

export interface AmpDriverOptions {
  /**
   * The executable (a name on PATH or a path). `ampo-scripted-agent` stands in for tests.
   * @default 'amp'
   */
  binary?: string;
  /** Sent as `AMP_API_KEY` in the turn's secret environment. Without it Amp waits for a login. */
  apiKey?: string;
  /** Amp's agent mode (`--mode`, e.g. `smart`, `rush`, `deep`). @default Amp's own default */
  mode?: string;
  /** Passed as `--settings-file`. @default Amp's default, `~/.config/amp/settings.json` */
  settingsFile?: string;
  /** Extra arguments placed before the prompt. */
  extraArgs?: readonly string[];
  /** Extra non-secret environment. */
  env?: Record<string, string>;
  /** @default 'auto' */
  promptTransport?: PromptTransport;
}

// The login flow prints a one-time link; it is no use in an event.
const cleanNotice = (text: string) => text.replace(/(authToken=)[A-Za-z0-9._-]+/g, '$1[redacted]');

/**
 * Drives the Amp CLI in execute mode with stream-JSON output.
 * - First turn: `amp --dangerously-allow-all --no-archive-after-execute --stream-json --execute=<prompt>`
 *   (an archived thread cannot be continued).
 * - Follow-up: `amp threads continue <T-id> --dangerously-allow-all --stream-json --execute=<prompt>`.
 *
 * `--execute=<prompt>` keeps a prompt that starts with `-` from being read as an option. Amp
 * exits 0 even when its result says `is_error`, so the result line decides.
 */
export const ampDriver = (options: AmpDriverOptions = {}): AgentDriver => ({
  kind: 'amp',
  buildTurn({ prompt, sessionId }): AgentInvocation {
    const onStdin = promptGoesOnStdin(prompt, options.promptTransport);
    const argv = [
      options.binary ?? 'amp',
      ...(sessionId ? ['threads', 'continue', sessionId] : []),
      '--dangerously-allow-all',
      ...(sessionId ? [] : ['--no-archive-after-execute']),
      '--stream-json',
      ...(options.mode ? ['--mode', options.mode] : []),
      ...(options.settingsFile ? ['--settings-file', options.settingsFile] : []),
      ...(options.extraArgs ?? []),
      onStdin ? '--execute' : `--execute=${prompt}`,
    ];
    return {
      argv,
      env: { ...options.env },
      secretEnv: options.apiKey ? { AMP_API_KEY: options.apiKey } : {},
      ...(onStdin ? { stdin: prompt } : {}),
    };
  },
  createParser: () => createClaudeStreamParser({ agentName: 'Amp', cleanNotice }),
});
