import { z } from 'zod';

const isRegExp = (source: string, flags = 'i') => {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
};

/** One scripted turn: when the prompt matches `when`, do this. */
export const ScriptedAgentStep = z
  .object({
    /** Shown in the agent's first message and recorded with the prompt. */
    name: z.string().min(1).optional(),
    /** A regular expression tested against the prompt. Absent: matches any prompt. */
    when: z.string().optional(),
    /** @default 'i' */
    flags: z
      .string()
      .regex(/^[imsu]*$/)
      .optional(),
    /** How many times this step may run (counted per HOME); later prompts fall through to the next steps. */
    maxUses: z.number().int().positive().optional(),
    /** Files to write (relative to the agent's cwd); `null` deletes the file. */
    files: z.record(z.string().min(1), z.string().nullable()).optional(),
    /** Commands to run in the cwd, each an argv (no shell). A failing command does not end the turn. */
    commands: z.array(z.array(z.string()).min(1)).optional(),
    /** Assistant messages printed after the tool calls; the last is the turn's result text. */
    messages: z.array(z.string()).optional(),
    /** A pause before the end, in milliseconds. */
    delayMs: z.number().int().nonnegative().optional(),
    /**
     * Plain lines `ampo-line <n> <epoch ms>` printed to stdout at a steady rate, before the
     * messages: output for benchmarks of the log path (the stream parsers take them as notices).
     */
    printLines: z
      .object({
        count: z.number().int().positive().max(1_000_000),
        perSecond: z.number().int().positive().max(100_000),
        /** stdout: parsed by the driver as well (each line an event); stderr: the log alone. @default 'stdout' */
        stream: z.enum(['stdout', 'stderr']).optional(),
      })
      .strict()
      .optional(),
    /**
     * Lines printed to stdout as they are, after `printLines` and before the messages: stream-JSON
     * gone wrong. `{ text, repeat }` prints `text` that many times on one line (a huge line).
     */
    printRaw: z
      .array(z.union([z.string(), z.object({ text: z.string().min(1), repeat: z.number().int().positive().max(100_000_000) }).strict()]))
      .max(10_000)
      .optional(),
    /**
     * How the turn ends: `ok`/`error` print a result line (Amp exits 0 for both, Claude Code 1 on
     * error); `exit` exits without a result (`exitCode`, default 0); `crash` kills itself with
     * SIGKILL; `hang` waits until it is killed.
     * @default 'ok'
     */
    end: z.enum(['ok', 'error', 'exit', 'crash', 'hang']).default('ok'),
    /** The error result's reason. */
    reason: z.string().optional(),
    exitCode: z.number().int().min(0).max(255).optional(),
    /** Usage reported per assistant message, and the turn's cost (Claude Code format only). */
    usage: z
      .object({
        inputTokens: z.number().int().nonnegative(),
        outputTokens: z.number().int().nonnegative(),
        costUsd: z.number().nonnegative(),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .refine((step) => step.when === undefined || isRegExp(step.when, step.flags), {
    message: 'when must be a valid regular expression',
    path: ['when'],
  });
export type ScriptedAgentStep = z.infer<typeof ScriptedAgentStep>;

/** What `ampo-scripted-agent` does, turn by turn. The first step that matches a prompt runs. */
export const ScriptedAgentScenario = z.object({ steps: z.array(ScriptedAgentStep).min(1) }).strict();
export type ScriptedAgentScenario = z.infer<typeof ScriptedAgentScenario>;
export type ScriptedAgentScenarioInput = z.input<typeof ScriptedAgentScenario>;

/** A thread as the scripted agent keeps it: every prompt it received, and the step that ran. */
export const ScriptedAgentThread = z.object({
  id: z.string(),
  format: z.enum(['amp', 'claude']),
  createdAt: z.string(),
  cwd: z.string(),
  prompts: z.array(z.object({ at: z.string(), prompt: z.string(), step: z.union([z.string(), z.number(), z.null()]) })),
});
export type ScriptedAgentThread = z.infer<typeof ScriptedAgentThread>;
