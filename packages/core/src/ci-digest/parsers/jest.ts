import { causeLines, classifyFailure } from '../classify-failure.js';
import { compactMessage, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const suiteHeader = /^\s*(FAIL|PASS)\s+(\S+)/;
const testHeader = /^\s{2}● (.+?)\s*$/;
const summary = /^(Test Suites|Tests|Snapshots|Time):\s|^Ran all test suites|^Summary of all failing tests$/;

/** jest reports `Expected:` / `Received:` under a generic matcher line: both belong in the message. */
const messageOf = (body: readonly string[]): string => {
  const paragraphs: string[][] = [[]];
  for (const line of body) {
    if (/^\s*(>?\s*\d+ \||at )/.test(line)) break;
    if (line.trim() === '') paragraphs.push([]);
    else paragraphs.at(-1)?.push(line);
  }
  const [first = [], ...rest] = paragraphs.filter((paragraph) => paragraph.length > 0);
  const values = rest.find((paragraph) => /^\s*Expected[^:]*:/.test(paragraph[0] ?? '')) ?? [];
  return compactMessage([...first, ...values.filter((line) => /^\s*(Expected|Received)[^:]*:/.test(line))], 3);
};

/**
 * jest's default reporter: `FAIL file`, then one `● suite › test` block per failure with the
 * matcher message, a code frame and `at fn (file:line:col)` frames; `● Test suite failed to run`
 * for a file that did not load. `● Console` blocks are logs, not failures.
 */
export const parseJest = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  let suiteFile: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const suite = suiteHeader.exec(line);
    if (suite) {
      suiteFile = suite[1] === 'FAIL' ? suite[2] : undefined;
      continue;
    }
    const header = testHeader.exec(line);
    if (!header?.[1] || header[1] === 'Console') continue;
    const body: string[] = [];
    for (index++; index < lines.length; index++) {
      const current = lines[index] ?? '';
      if (testHeader.test(current) || suiteHeader.test(current) || summary.test(current)) break;
      body.push(current);
    }
    index--;
    const isSuiteFailure = header[1] === 'Test suite failed to run';
    const frames = body.filter((bodyLine) => /^\s*at /.test(bodyLine));
    const message = messageOf(body);
    failures.push({
      kind: classifyFailure([message, ...causeLines(body)].join('\n'), isSuiteFailure ? 'build' : 'test'),
      test: isSuiteFailure ? undefined : header[1],
      ...locateFailure(userFrames(frames), suiteFile),
      message,
      logExcerpt: makeExcerpt(body),
    });
  }
  return failures;
};
