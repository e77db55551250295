import { delimiter } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { type OptionName, type OptionSpec, optionSpecs } from './option-specs.js';

/** Wrong usage: each line names one bad value and what would be right. The bin exits 2. */
export class UsageError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}

type RawValue = string | string[];

export interface ReadOptions {
  values: Partial<Record<OptionName, RawValue>>;
  /** The options given as flags (the rest came from the environment). */
  fromFlag: Partial<Record<OptionName, boolean>>;
  positionals: string[];
  help: boolean;
}

/** How a message names an option: its flag when it was given as one (or not at all), else its environment variable. */
const labelOf = (spec: OptionSpec, fromFlag: boolean) => (fromFlag && spec.flag ? `--${spec.flag}` : (spec.env ?? `--${spec.flag}`));

/**
 * Reads `names` from `argv` (flags win) and `env`. Unknown flags are a {@link UsageError}; an
 * empty environment variable counts as unset.
 */
export const readOptions = (argv: readonly string[], env: NodeJS.ProcessEnv, names: readonly OptionName[]): ReadOptions => {
  const flagOptions: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of names) {
    const spec: OptionSpec = optionSpecs[name];
    if (spec.flag) flagOptions[spec.flag] = { type: 'string', ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: flagOptions, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError([(error as Error).message.replace(/\. To specify a positional argument.*$/s, '.')]);
  }
  const values: ReadOptions['values'] = {};
  const fromFlag: Partial<Record<OptionName, boolean>> = {};
  for (const name of names) {
    const spec: OptionSpec = optionSpecs[name];
    const flagValue = spec.flag ? (parsed.values[spec.flag] as RawValue | undefined) : undefined;
    if (flagValue !== undefined) {
      values[name] = flagValue;
      fromFlag[name] = true;
      continue;
    }
    const envValue = spec.env ? env[spec.env] : undefined;
    if (envValue === undefined || envValue.trim() === '') continue;
    values[name] = spec.multiple ? envValue.split(delimiter).filter((item) => item.trim() !== '') : envValue;
  }
  return { values, fromFlag, positionals: parsed.positionals, help: parsed.values.help === true };
};

/** Validates what {@link readOptions} read with `schema`; every bad value becomes one line of a {@link UsageError}. */
export const validateOptions = <Schema extends z.ZodType>(schema: Schema, read: ReadOptions): z.infer<Schema> => {
  const result = schema.safeParse(read.values);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path[0] as OptionName | undefined;
    const spec: OptionSpec | undefined = name ? optionSpecs[name] : undefined;
    if (!name || !spec) return issue.message;
    const raw = read.values[name];
    const label = labelOf(spec, read.fromFlag[name] === true || raw === undefined);
    const value = Array.isArray(raw) && typeof issue.path[1] === 'number' ? raw[issue.path[1]] : raw;
    if (value === undefined || spec.secret || Array.isArray(value)) return `${label}: ${issue.message}`;
    return `${label} ${JSON.stringify(value)}: ${issue.message}`;
  });
  throw new UsageError([...new Set(problems)]);
};
