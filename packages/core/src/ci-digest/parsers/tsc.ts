import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

// `--pretty false`: file(line,col): error TS1234: message
const plain = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
// `--pretty` (the default on a terminal): file:line:col - error TS1234: message
const pretty = /^(.+?):(\d+):(\d+) - error (TS\d+): (.*)$/;
// Errors with no file, as for a broken tsconfig: error TS5083: Cannot read file …
const global = /^error (TS\d+): (.*)$/;

/**
 * tsc diagnostics in both the plain and the pretty format, with the indented lines of a message
 * chain; `Found N errors` and the per-file table are summaries, not failures.
 */
export const parseTsc = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const plainMatch = plain.exec(line);
    const match = plainMatch ?? pretty.exec(line);
    const noFile = match ? null : global.exec(line);
    if (!match && !noFile) continue;
    const code = match?.[4] ?? noFile?.[1] ?? '';
    const first = match?.[5] ?? noFile?.[2] ?? '';
    const chain: string[] = [];
    const frame: string[] = [];
    // Chained messages follow indented; pretty output adds a code frame after a blank line.
    while (index + 1 < lines.length && /^\s+\S/.test(lines[index + 1] ?? '') && !plain.test(lines[index + 1] ?? '')) {
      chain.push(lines[++index] ?? '');
    }
    if (match && !plainMatch) {
      while (index + 1 < lines.length && !pretty.test(lines[index + 1] ?? '') && !/^Found \d+ errors?/.test(lines[index + 1] ?? '')) {
        frame.push(lines[++index] ?? '');
      }
    }
    const message = compactMessage([`${code}: ${first}`, ...chain], 3);
    failures.push({
      kind: classifyFailure(first, 'type'),
      severity: 'error',
      file: match?.[1],
      line: lineNumber(match?.[2]),
      message,
      logExcerpt: makeExcerpt([line, ...chain, ...frame]),
    });
  }
  return failures;
};
