import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

// `[!] RollupError: src/format.js (3:29): Unterminated template`, `[!] RollupError: Could not resolve "./x" from "src/index.js"`
const errorHeader = /^\[!\] (?:\(plugin [^)]+\) )?(\w*Error): (.+?)\s*$/;
// The line after the header names the file, with the position when there is one: `src/format.js (3:29)`.
const locationLine = /^(\S+?)(?: \((\d+):(\d+)\))?\s*$/;

/** Rollup's CLI error: `[!] RollupError: message`, the file (and position), a code frame, the stack. */
export const parseRollup = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = errorHeader.exec(lines[index] ?? '');
    if (!header?.[2]) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && !/^\s+at |^\[!\]|^\s*$/.test(lines[index + 1] ?? '')) body.push(lines[++index] ?? '');
    // The message repeats the position after the file: `src/format.js (3:29): Unterminated template`.
    const message = header[2].replace(/^\S+ \(\d+:\d+\): /, '');
    const location = locationLine.exec(body[0] ?? '');
    const resolving = /from "([^"]+)"$/.exec(header[2]);
    failures.push({
      kind: classifyFailure(message, 'build'),
      file: location?.[1] ?? resolving?.[1],
      line: lineNumber(location?.[2]),
      message: compactMessage([`${header[1]}: ${message}`], 1),
      logExcerpt: makeExcerpt([lines[index - body.length] ?? '', ...body]),
    });
  }
  return failures;
};
