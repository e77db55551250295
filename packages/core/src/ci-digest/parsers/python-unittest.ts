import { classifyFailure } from '../classify-failure.js';
import { pythonUserFrames } from '../language-frames.js';
import { compactMessage, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

// `ERROR: test_knows_the_ink (tests.test_cart.QuantityTest.test_knows_the_ink)` (3.11), `FAIL: test_x (tests.test_cart.TotalTest)` (older)
const failureHeader = /^(ERROR|FAIL|UNEXPECTED SUCCESS): (\S+) \(([\w.]+)\)(?:\n|$)/;

/**
 * Python's `unittest` runner: between `=====` rules, one block per failed test (`FAIL:` for an
 * assertion, `ERROR:` for an exception), its traceback (outermost frame first) and the exception
 * line. A test module that did not import is an `ERROR` of `unittest.loader._FailedTest`.
 */
export const parsePythonUnittest = (text: string): ParsedFailure[] => {
  const blocks = text.split(/^={50,}\s*$/m).slice(1);
  return blocks.flatMap((block) => {
    const header = failureHeader.exec(block.replace(/^\n/, ''));
    if (!header?.[2] || !header[3]) return [];
    const body =
      block
        .replace(/^\n?.*\n-{50,}\s*\n/, '')
        .split(/^-{50,}\s*$/m)[0]
        ?.split('\n') ?? [];
    const notTraceback = body.filter((line) => line.trim() !== '' && !/^(Traceback|\s)/.test(line));
    const message = compactMessage(notTraceback.length > 0 ? notTraceback : body.slice(-1), 3);
    const id = header[3].endsWith(`.${header[2]}`) ? header[3] : `${header[3]}.${header[2]}`;
    const failedImport = id.startsWith('unittest.loader._FailedTest.');
    return [
      {
        kind: classifyFailure(message, failedImport ? 'build' : 'test'),
        test: failedImport ? undefined : id,
        ...locateFailure(pythonUserFrames(body)),
        message: message || (header[1] ?? 'failed').toLowerCase(),
        logExcerpt: makeExcerpt(body),
      },
    ];
  });
};
