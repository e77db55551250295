import { classifyFailure } from '../classify-failure.js';
import { compactMessage, isUserPath, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const sectionTitle = /^={3,} (.+?) ={3,}$/;
const blockTitle = /^_{3,} (.+?) _{3,}$/;
const location = /^(\S+\.py):(\d+): (.*)$/;
const summaryLine = /^(FAILED|ERROR) (\S+?)(?: - (.*))?$/;

/** The node id from the short summary that a block title (`Class.test`, `ERROR at setup of test`) stands for. */
const nodeIdFor = (title: string, nodeIds: readonly string[]): string | undefined => {
  const name = title.replace(/^ERROR at (setup|teardown) of /, '').replaceAll('.', '::');
  return nodeIds.find((nodeId) => nodeId === name || nodeId.endsWith(`::${name}`));
};

/**
 * pytest's default output: the `FAILURES` and `ERRORS` sections (a `___ test ___` block each, the
 * `E   ` lines, and `file.py:line: ErrorType` for the innermost frame), named by the node ids of
 * the short test summary; the summary alone when the blocks were cut off or `--tb=no` was used.
 */
export const parsePytest = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const summary = lines.map((line) => summaryLine.exec(line)).filter((match) => match !== null);
  const nodeIds = summary.map((match) => match[2] ?? '');
  const failures: ParsedFailure[] = [];
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const sectionMatch = sectionTitle.exec(line);
    if (sectionMatch?.[1]) {
      section = sectionMatch[1];
      continue;
    }
    const title = blockTitle.exec(line)?.[1];
    if (!title || !/^(FAILURES|ERRORS)$/.test(section)) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && !blockTitle.test(lines[index + 1] ?? '') && !sectionTitle.test(lines[index + 1] ?? '')) {
      body.push(lines[++index] ?? '');
    }
    const errors = body.filter((bodyLine) => /^E\s/.test(bodyLine)).map((bodyLine) => bodyLine.slice(1));
    const locations = body.map((bodyLine) => location.exec(bodyLine)).filter((match) => match !== null && isUserPath(match[1] ?? ''));
    const innermost = locations.at(-1);
    const message = compactMessage(errors.length > 0 ? errors : innermost?.[3] ? [innermost[3]] : [], 3);
    const collecting = /^ERROR collecting (.+)$/.exec(title);
    failures.push({
      kind: classifyFailure(message, collecting ? 'build' : 'test'),
      test: collecting ? undefined : (nodeIdFor(title, nodeIds) ?? title),
      ...(innermost
        ? locateFailure(locations.map((match) => ({ file: match?.[1] ?? '', line: lineNumber(match?.[2]) })).reverse())
        : { file: collecting?.[1] }),
      message: message || title,
      logExcerpt: makeExcerpt(body.filter((bodyLine) => !/^(_ )+_?$/.test(bodyLine.trim()))),
    });
  }
  if (failures.length > 0) return failures;
  return summary.map((match) => {
    const nodeId = match[2] ?? '';
    const message = (match[3] ?? match[1] ?? '').replace(/\.\.\.$/, '…');
    return {
      kind: classifyFailure(message, 'test'),
      test: nodeId.includes('::') ? nodeId : undefined,
      file: nodeId.split('::')[0],
      message,
      logExcerpt: match[0],
    };
  });
};
