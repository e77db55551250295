import { classifyFailure } from '../classify-failure.js';
import { otherUserFrames } from '../language-frames.js';
import { compactMessage, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const sectionHeader = /^There (?:was|were) \d+ (errors?|failures?|warnings?|risky tests?|incomplete tests?|skipped tests?):\s*$/;
const failureHeader = /^(\d+)\) (\S+?)(?: with data set .*)?\s*$/;
const frameLine = /^(?:\/|[\w.-]+\/)\S*\.php:\d+\s*$/;

/**
 * PHPUnit's default output: the `There was 1 error:` / `There were 2 failures:` sections, one
 * numbered block each (`N) Class::method`, the message, then `file.php:line` frames, innermost
 * first). Warnings, risky and skipped tests do not fail a run and are not reported.
 */
export const parsePhpunit = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  let section = '';
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const sectionMatch = sectionHeader.exec(line);
    if (sectionMatch?.[1]) {
      section = sectionMatch[1];
      continue;
    }
    const header = /^(errors?|failures?)$/.test(section) ? failureHeader.exec(line) : null;
    if (!header?.[2]) continue;
    const body: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1] ?? '';
      if (failureHeader.test(next) || sectionHeader.test(next) || /^--\s*$|^(ERRORS|FAILURES|OK)\b/.test(next)) break;
      body.push(lines[++index] ?? '');
    }
    const messageLines = body.filter((bodyLine) => !frameLine.test(bodyLine));
    const message = compactMessage(messageLines, 3);
    const className = header[2].split('::')[0] ?? '';
    const frames = otherUserFrames(body);
    failures.push({
      kind: classifyFailure(message, 'test'),
      test: header[2],
      ...locateFailure(frames, frames.find((frame) => frame.file.endsWith(`/${className}.php`))?.file),
      message: message || section,
      logExcerpt: makeExcerpt(body),
    });
  }
  return failures;
};
