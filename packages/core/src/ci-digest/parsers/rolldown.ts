import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

// `[UNRESOLVED_IMPORT] Could not resolve './x.js' in src/index.ts`, `[builtin:vite-transform] Unterminated string`
const errorHeader = /^\[([A-Z_]+|[\w:-]+:[\w:-]+|plugin [^\]]+)\] (.+?)\s*$/;
// `   ╭─[ src/index.ts:2:25 ]`
const locationLine = /^\s*╭─\[\s*(\S+?):(\d+):(\d+)\s*\]\s*$/;

/**
 * Rolldown's diagnostics, as `vite build` (Vite 8) prints them: `[CODE] message`, then a framed
 * code excerpt that opens with `╭─[ file:line:col ]` and closes with `───╯`.
 */
export const parseRolldown = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = errorHeader.exec(lines[index] ?? '');
    if (!header?.[2]) continue;
    const start = index;
    const body: string[] = [];
    while (index + 1 < lines.length && !errorHeader.test(lines[index + 1] ?? '')) {
      const next = lines[++index] ?? '';
      body.push(next);
      if (/^\s*─+╯\s*$/.test(next)) break;
    }
    const location = body.map((line) => locationLine.exec(line)).find((match) => match !== null);
    if (!location && !/^[A-Z_]+$/.test(header[1] ?? '')) continue;
    const message = header[2];
    failures.push({
      kind: classifyFailure(`${message}\n${header[1]}`, 'build'),
      file: location?.[1],
      line: lineNumber(location?.[2]),
      message: compactMessage([message], 1),
      logExcerpt: makeExcerpt([lines[start] ?? '', ...body.filter((line) => !/^\s*─+╯\s*$/.test(line))]),
    });
  }
  return failures;
};
