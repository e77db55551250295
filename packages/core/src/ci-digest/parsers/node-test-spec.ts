import { causeLines, classifyFailure } from '../classify-failure.js';
import { assertionMessage, lineNumber, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const suiteLine = /^(\s*)▶ (.+?)\s*$/;
const failedLine = /^(\s*)✖ (.+?) \([\d.]+m?s\)(\s+#.*)?\s*$/;
const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;

const messageOf = (body: readonly string[]): string => assertionMessage(body.map((line) => line.replace(/\s*\{$/, '')));

/** The error and its stack, without the `{ code: …, actual: … }` dump node prints after the stack. */
const withoutErrorDump = (body: readonly string[]): string[] => {
  const lastFrame = body.findLastIndex((line) => /^\s*at\s/.test(line));
  return lastFrame >= 0 ? body.slice(0, lastFrame + 1) : [...body];
};

interface Block {
  name: string;
  indent: number;
  body: string[];
  end: number;
}

/** A `✖ name (1.2ms)` line and the more indented lines under it. */
const readBlock = (lines: readonly string[], start: number): Block | undefined => {
  const match = failedLine.exec(lines[start] ?? '');
  if (!match?.[2]) return undefined;
  const indent = match[1]?.length ?? 0;
  const body: string[] = [];
  let index = start + 1;
  for (; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.trim() !== '' && indentOf(line) <= indent) break;
    body.push(line);
  }
  return { name: match[2], indent, body, end: index };
};

/**
 * node's built-in test runner, spec reporter: the tree of `▶ suite` / `✖ test (time)` lines with
 * the error under each failed test, and the `✖ failing tests:` summary (`test at file:line:col`)
 * that survives when only the tail of the log is kept.
 */
export const parseNodeTestSpec = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const summaryStart = lines.findIndex((line) => /^✖ failing tests:\s*$/.test(line));
  const treeEnd = summaryStart >= 0 ? summaryStart : lines.length;
  const failures: ParsedFailure[] = [];
  const suites: Array<{ indent: number; name: string }> = [];

  for (let index = 0; index < treeEnd; index++) {
    const line = lines[index] ?? '';
    const suite = suiteLine.exec(line);
    if (suite?.[2]) {
      const indent = suite[1]?.length ?? 0;
      while ((suites.at(-1)?.indent ?? -1) >= indent) suites.pop();
      suites.push({ indent, name: suite[2] });
      continue;
    }
    const block = readBlock(lines, index);
    // A suite's own `✖` line has nothing under it: its failed children were reported already.
    if (!block || block.body.every((bodyLine) => bodyLine.trim() === '')) continue;
    while ((suites.at(-1)?.indent ?? -1) >= block.indent) suites.pop();
    const message = messageOf(block.body);
    failures.push({
      kind: classifyFailure([message, ...causeLines(block.body)].join('\n'), 'test'),
      test: [...suites.map((entry) => entry.name), block.name].join(' > '),
      ...locateFailure(userFrames(block.body)),
      message,
      logExcerpt: makeExcerpt(withoutErrorDump(block.body)),
    });
    index = block.end - 1;
  }

  for (let index = summaryStart + 1; summaryStart >= 0 && index < lines.length; index++) {
    const location = /^test at (.+?):(\d+):\d+\s*$/.exec(lines[index] ?? '');
    const block = location ? readBlock(lines, index + 1) : undefined;
    if (!location || !block) continue;
    const known = failures.find((failure) => failure.test === block.name || failure.test?.endsWith(` > ${block.name}`));
    const frames = userFrames(block.body);
    if (known) {
      known.file ??= location[1];
      known.line ??= lineNumber(location[2]);
    } else {
      const message = messageOf(block.body);
      failures.push({
        kind: classifyFailure([message, ...causeLines(block.body)].join('\n'), 'test'),
        test: block.name,
        ...(frames.length > 0 ? locateFailure(frames, location[1]) : { file: location[1], line: lineNumber(location[2]) }),
        message,
        logExcerpt: makeExcerpt(withoutErrorDump(block.body)),
      });
    }
    index = block.end - 1;
  }
  return failures;
};
