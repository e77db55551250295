/**
 * How the prompt reaches the agent: one argv element, or stdin. Never a shell.
 * - `argv`: always as one argument.
 * - `stdin`: always on stdin.
 * - `auto`: argv unless the prompt is over {@link maxArgvPromptBytes}, then stdin (Linux refuses
 *   a single argument over 128 KiB with E2BIG).
 */
export type PromptTransport = 'argv' | 'stdin' | 'auto';

/** The largest prompt `auto` passes in argv, in UTF-8 bytes. */
export const maxArgvPromptBytes = 64 * 1024;

export const promptGoesOnStdin = (prompt: string, transport: PromptTransport = 'auto'): boolean =>
  transport === 'stdin' || (transport === 'auto' && new TextEncoder().encode(prompt).length > maxArgvPromptBytes);
