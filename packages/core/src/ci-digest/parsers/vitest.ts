import { causeLines, classifyFailure } from '../classify-failure.js';
import { compactMessage, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const failHeader = /^\s*FAIL\s+(?:\|[^|]+\|\s+)?(.+?)\s*$/;
const sectionHeader = /^⎯{2,}\s*(.*?)\s*⎯{2,}$/;
const blockEnd = /^⎯+(\[\d+\/\d+\]⎯*)?$|^\s*Test Files\s+\d/;

const parseHeader = (header: string): { file?: string; test?: string } => {
  // `file [ file ]` names a whole file that failed to run.
  const suite = /^(\S+)\s+\[\s*\S+\s*\]$/.exec(header);
  if (suite) return { file: suite[1] };
  const [file, ...names] = header.split(' > ');
  return { file, test: names.length > 0 ? names.join(' > ') : undefined };
};

/** The message: the error line(s) up to the first blank line, diff or code frame. */
const messageOf = (body: readonly string[]): string => {
  const start = body.findIndex((line) => line.trim() !== '');
  const lines: string[] = [];
  for (const line of body.slice(Math.max(start, 0))) {
    if (line.trim() === '' || /^\s*❯|^\s*\d+\|/.test(line)) break;
    lines.push(line);
  }
  return compactMessage(lines, 2);
};

/**
 * vitest's default reporter: the `Failed Suites` / `Failed Tests` blocks (`FAIL  file > suite >
 * test`, the error, `❯ file:line:col`) and the `Unhandled Errors` section.
 */
export const parseVitest = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const section = sectionHeader.exec(line)?.[1] ?? '';
    const isFail = failHeader.test(line) && !line.includes('⎯');
    const isUnhandled = /^(Uncaught Exception|Unhandled Rejection|Unhandled Error)$/.test(section);
    if (!isFail && !isUnhandled) {
      index++;
      continue;
    }
    // Several tests that failed with the same error share one body under consecutive headers.
    const headers: string[] = [];
    while (isFail && failHeader.test(lines[index] ?? '')) headers.push(failHeader.exec(lines[index++] ?? '')?.[1] ?? '');
    if (isUnhandled) index++;
    const body: string[] = [];
    for (; index < lines.length; index++) {
      const current = lines[index] ?? '';
      if (blockEnd.test(current) || sectionHeader.test(current) || failHeader.test(current)) break;
      body.push(current);
    }
    const causes = causeLines(body);
    // `TypeError: fetch failed` says why only in its cause: `connect ECONNREFUSED 127.0.0.1:5432`.
    const message = compactMessage([messageOf(body), ...causes.filter((line) => line.startsWith('Caused by:')).slice(0, 1)], 3);
    const kind = classifyFailure([message, ...causes].join('\n'), 'test');
    const frames = userFrames(body);
    const logExcerpt = makeExcerpt(
      body.filter((bodyLine) => !/^(- The error was|- If the error occurred|This error originated)/.test(bodyLine)),
    );
    if (isUnhandled) {
      const latest = /The latest test that might've caused the error is "(.+?)"/.exec(body.join('\n'))?.[1];
      const origin = /This error originated in "(.+?)" test file/.exec(body.join('\n'))?.[1];
      failures.push({
        kind,
        test: latest,
        ...(frames.length > 0 ? locateFailure(frames) : { file: origin }),
        message: `${section}: ${message}`,
        logExcerpt,
      });
      continue;
    }
    for (const header of headers) {
      const { file, test } = parseHeader(header);
      failures.push({
        kind,
        test,
        ...locateFailure(frames, file),
        message,
        logExcerpt,
      });
    }
  }
  return failures;
};
