import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

const errorHeader = /^\s*(?:✘ )?\[ERROR\] (.+?)\s*$/;
const locationLine = /^\s+(\S+?):(\d+):(\d+):\s*$/;
// The summary esbuild's API throws with (tsup, vite 4–7 print it): `file:line:col: ERROR: message`.
const summaryLine = /^(\S+?):(\d+):(\d+): ERROR: (.+)$/;

/**
 * esbuild's log (`✘ [ERROR] message`, a blank line, `file:line:col:` and a code frame), as esbuild,
 * tsup and other wrappers print it, and the `file:line:col: ERROR: message` lines of the error its
 * API throws. Warnings (`▲ [WARNING]`) do not fail a build and are not reported.
 */
export const parseEsbuild = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const summary = summaryLine.exec(line);
    if (summary) {
      failures.push({
        kind: classifyFailure(summary[4] ?? '', 'build'),
        file: summary[1],
        line: lineNumber(summary[2]),
        message: compactMessage([summary[4] ?? ''], 1),
        logExcerpt: makeExcerpt([line]),
      });
      continue;
    }
    const header = errorHeader.exec(line);
    if (!header?.[1]) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && !errorHeader.test(lines[index + 1] ?? '') && !/^\S/.test(lines[index + 1] ?? '')) {
      body.push(lines[++index] ?? '');
    }
    const location = body.map((bodyLine) => locationLine.exec(bodyLine)).find((match) => match !== null);
    failures.push({
      kind: classifyFailure(header[1], 'build'),
      file: location?.[1],
      line: lineNumber(location?.[2]),
      message: compactMessage([header[1]], 1),
      logExcerpt: makeExcerpt([line.trim(), ...body]),
    });
  }
  return failures;
};
