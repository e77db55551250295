import { classifyFailure } from '../classify-failure.js';
import { otherUserFrames } from '../language-frames.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const failureHeader = /^\s{2}(\d+)\) (.+?)\s*$/;
// `rspec ./spec/cart_spec.rb:15 # Cart#quantity_of knows the ink`
const failedExample = /^rspec (\S+?):(\d+) # (.+?)\s*$/;
const loadError = /^An error occurred while loading (\S+?)\.?\s*$/;

/** The lines that say what went wrong: the expectation, or the exception class and its message. */
const messageOf = (body: readonly string[]): string => {
  const lines = body.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const afterSource = lines[0]?.startsWith('Failure/Error:') ? lines.slice(1) : lines;
  const [first, ...rest] = afterSource;
  // `ArgumentError:` then its message on the next line.
  if (first && /^[A-Z][\w:]*:$/.test(first) && rest[0]) return compactMessage([`${first} ${rest[0]}`, ...rest.slice(1)], 3);
  return compactMessage(
    afterSource.filter((line) => !/^\(compared using/.test(line)),
    3,
  );
};

/**
 * RSpec's progress and documentation formatters: the numbered `Failures:` blocks (`Failure/Error:`,
 * the expectation or exception, `# ./file:line:in` frames), named and placed by the `Failed
 * examples:` list; `An error occurred while loading` for a spec file that did not load.
 */
export const parseRspec = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const examples = new Map(
    lines.flatMap((line) => {
      const match = failedExample.exec(line);
      return match?.[3] ? [[match[3], { file: (match[1] ?? '').replace(/^\.\//, ''), line: lineNumber(match[2]) }] as const] : [];
    }),
  );
  const failures: ParsedFailure[] = [];
  const start = lines.findIndex((line) => /^Failures:\s*$/.test(line));
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const loading = loadError.exec(line);
    const header = index > start && start >= 0 ? failureHeader.exec(line) : null;
    if (!loading && !header) continue;
    const body: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1] ?? '';
      if (failureHeader.test(next) || loadError.test(next) || /^(Finished in |Failed examples:|Run options:|\d+ examples?, )/.test(next))
        break;
      body.push(lines[++index] ?? '');
    }
    const message = messageOf(body);
    const frames = otherUserFrames(body);
    const name = header?.[2];
    const example = name ? examples.get(name) : undefined;
    failures.push({
      kind: classifyFailure(message, loading ? 'build' : 'test'),
      test: name,
      ...(loading ? { file: loading[1]?.replace(/^\.\//, ''), line: frames[0]?.line } : locateFailure(frames, example?.file)),
      message: message || 'failed',
      logExcerpt: makeExcerpt(body),
    });
  }
  return failures;
};
