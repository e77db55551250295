import type { SourceLocation } from './log-lines.js';

/** Test files by the names runners look for: `*.test.*`, `*.spec.*`, `*_test.go`, `test_*.py`, `*Test.java`, under `test/`, `__tests__/`, … */
export const looksLikeTestFile = (file: string): boolean =>
  /(^|[/\\])(__tests__|tests?|spec|e2e)[/\\]|[._-](test|spec)\.[cm]?[jt]sx?$|_(test|spec)\.(go|rb|py)$|(^|[/\\])test_[^/\\]+\.py$|(Test|Tests|IT|Spec)\.(java|kt|php|cs)$/.test(
    file,
  );

export interface FailureLocation {
  file?: string | undefined;
  line?: number | undefined;
  testFile?: string | undefined;
  testLine?: number | undefined;
}

const sameFile = (a: string, b: string) => a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);

/**
 * Where a failure arose and where its test is, from the repository's own frames (innermost
 * first): the first frame is where it arose; the test's frame is the first one in `testFile`
 * (when the runner names the file) or in a file that looks like a test. When both are the same
 * frame, or no test frame is found, only `file`/`line` are set.
 */
export const locateFailure = (frames: readonly SourceLocation[], testFile?: string): FailureLocation => {
  const [origin] = frames;
  if (!origin) return testFile ? { file: testFile } : {};
  const test =
    frames.find((frame) => testFile !== undefined && sameFile(frame.file, testFile)) ??
    (testFile === undefined ? frames.find((frame) => looksLikeTestFile(frame.file)) : undefined);
  if (!test || test === origin) return { file: origin.file, line: origin.line };
  return { file: origin.file, line: origin.line, testFile: test.file, testLine: test.line };
};
