import { causeLines, classifyFailure } from '../classify-failure.js';
import { assertionMessage, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const failureHeader = /^\s{2}(\d+)\) (.*?)\s*$/;

/**
 * mocha's spec reporter: after `N failing`, numbered blocks whose title spans lines (suite, then
 * test, ending with `:`), then the error, mocha's own diff and the stack.
 */
export const parseMochaSpec = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^\s+\d+ failing\s*$/.test(line));
  if (start < 0) return [];
  const failures: ParsedFailure[] = [];
  for (let index = start + 1; index < lines.length; index++) {
    const header = failureHeader.exec(lines[index] ?? '');
    if (!header) continue;
    const title = [header[2] ?? ''];
    while (!title.at(-1)?.endsWith(':') && index + 1 < lines.length && (lines[index + 1] ?? '').trim() !== '') {
      title.push((lines[++index] ?? '').trim());
    }
    const body: string[] = [];
    while (index + 1 < lines.length && !failureHeader.test(lines[index + 1] ?? '')) body.push(lines[++index] ?? '');
    const message = assertionMessage(body);
    failures.push({
      kind: classifyFailure([message, ...causeLines(body)].join('\n'), 'test'),
      test: title.join(' > ').replace(/:$/, ''),
      ...locateFailure(userFrames(body)),
      message,
      logExcerpt: makeExcerpt(body),
    });
  }
  return failures;
};
