import { causeLines, classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

// `  1) tests/stock.spec.js:9:3 › reserve › takes the last pens ────`, `  2) [chromium] › tests/a.spec.ts:4:5 › opens ───`
const failureHeader = /^\s{2}\d+\) (?:\[[^\]]+\] › )?(\S+?):(\d+):\d+ › (.+?)\s*─*\s*$/;
const blockEnd = /^\s{2}\d+ (failed|flaky|passed|skipped|did not run|interrupted)\b|^\[\d+\/\d+\] /;

/**
 * Playwright Test's list and line reporters: one numbered block per failed test (`N) file:line:col ›
 * suite › test`), the error, a code frame and the stack; `Retry #N` sections repeat it. The test's
 * own location comes from the header, the first repository frame from the stack.
 */
export const parsePlaywright = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = failureHeader.exec(lines[index] ?? '');
    if (!header?.[1] || !header[3]) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && !failureHeader.test(lines[index + 1] ?? '') && !blockEnd.test(lines[index + 1] ?? '')) {
      const next = lines[++index] ?? '';
      if (/^\s+Retry #\d+ ─/.test(next)) break;
      body.push(next);
    }
    const errorLines = body.filter((line) => !/^\s*(Error Context|attachment #\d+|Usage:|─+)\b/.test(line));
    const start = errorLines.findIndex((line) => line.trim() !== '');
    const message: string[] = [];
    for (const line of errorLines.slice(Math.max(start, 0))) {
      if (/^\s*(at |\d+ \||>\s*\d+ \|)/.test(line)) break;
      if (line.trim() !== '') message.push(line);
    }
    const text = compactMessage(message, 3);
    const frames = userFrames(errorLines);
    failures.push({
      kind: classifyFailure([text, ...causeLines(errorLines)].join('\n'), 'test'),
      test: header[3].split(' › ').join(' > '),
      ...(frames.length > 0 ? locateFailure(frames, header[1]) : { file: header[1], line: lineNumber(header[2]) }),
      message: text || 'failed',
      logExcerpt: makeExcerpt(errorLines.filter((line) => !/^\s+at \.\.?\//.test(line))),
    });
  }
  return failures;
};
