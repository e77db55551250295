import { AmpoError } from '@ampo/core';
import { z } from 'zod';

/** One check the local CI runs: a shell command, as a repository's CI file would have it. */
export const CheckDefinition = z
  .object({
    name: z.string().min(1).max(100),
    command: z.string().min(1).max(4000),
    /** Seconds before the check is killed and counted as timed out. */
    timeout: z.number().positive().optional(),
  })
  .strict();
export type CheckDefinition = z.infer<typeof CheckDefinition>;

const ChecksFile = z.object({ checks: z.array(CheckDefinition).min(1).max(50) }).strict();

const scalar = (raw: string): string | number => {
  const value = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  if (quoted) return (quoted[1] ?? '').replace(/\\"/g, '"');
  return value;
};

/**
 * Reads `.ampo/checks.yml`: a `checks:` list of maps with scalar values (name, command, timeout).
 * This small YAML subset is all the file needs; anything else is rejected with the line number.
 * JSON (`{"checks": [...]}`) is accepted too.
 */
export const parseChecksFile = (text: string, fileName = '.ampo/checks.yml'): CheckDefinition[] => {
  const fail = (message: string): never => {
    throw new AmpoError('invalid-input', `${fileName}: ${message}`);
  };
  let data: unknown;
  if (text.trimStart().startsWith('{')) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
  } else {
    const checks: Array<Record<string, string | number>> = [];
    let inList = false;
    for (const [index, rawLine] of text.split('\n').entries()) {
      const line = rawLine.replace(/\s+#.*$/, '').replace(/^#.*$/, '');
      if (line.trim() === '') continue;
      if (/^checks:\s*$/.test(line)) {
        inList = true;
        continue;
      }
      const item = /^\s*-\s+(\w+):\s*(.*)$/.exec(line);
      const field = /^\s+(\w+):\s*(.*)$/.exec(line);
      if (inList && item) checks.push({ [item[1] as string]: scalar(item[2] ?? '') });
      else if (inList && field && checks.length > 0)
        (checks.at(-1) as Record<string, string | number>)[field[1] as string] = scalar(field[2] ?? '');
      else fail(`line ${index + 1} is not part of a "checks:" list of name/command entries`);
    }
    data = { checks };
  }
  const parsed = ChecksFile.safeParse(data);
  if (!parsed.success) fail(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return (parsed as { data: z.infer<typeof ChecksFile> }).data.checks;
};
