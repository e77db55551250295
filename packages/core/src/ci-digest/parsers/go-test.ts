import { compactMessage, isUserPath, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

const runLine = /^=== (RUN|CONT|PAUSE|NAME)\s+(\S+)/;
const failLine = /^(\s*)--- FAIL: (\S+) \(/;
const logLine = /^\s+([\w./-]+\.go):(\d+): (.*)$/;
const compileError = /^((?:\.\/)?[\w./-]+\.go):(\d+)(?::\d+)?: (.*)$/;
const goroutineFrame = /^\t(\S+\.go):(\d+)/;

// Messages of `go vet`'s analyzers (which `go test` runs too): a lint finding, not a compile error.
const vetMessage =
  /\bformat %\S* (has arg|reads arg)|call has possible (Printf )?formatting directive|call needs \d+ args? but has|arg list ends with redundant newline|possible misuse of|unreachable code|self-assignment of|struct field tag|composite literal uses unkeyed fields|the cancel function|passes lock by value|copies lock|captured by func literal|result of .* call not used|should have signature|comparison of function|suspect or: |using \S+ before checking for errors|possible nil pointer dereference|misuse of unbuffered os\.Signal channel|conversion from \S+ to string yields/;

/**
 * The repository folder of a Go package, from its import path: the module path is taken off by
 * the usual shapes (`github.com/owner/repo/…`, `host/name/…`, a bare `name/…`). Go's test logs name
 * files bare (`money_test.go:18`), relative to the package's folder.
 */
export const packageFolder = (importPath: string): string => {
  const parts = importPath.split('/');
  const first = parts[0] ?? '';
  const moduleParts = !first.includes('.') ? 1 : /^(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|git\.sr\.ht)$/.test(first) ? 3 : 2;
  return parts.slice(moduleParts).join('/');
};

const inPackage = (file: string, folder: string | undefined) => (folder && !file.includes('/') ? `${folder}/${file}` : file);

interface TestRecord {
  name: string;
  /** The package's repository folder, once its `ok` / `FAIL` line has been read. */
  folder?: string | undefined;
  failed: boolean;
  logs: Array<{ file: string; line?: number | undefined; text: string }>;
  panic?: { message: string; file?: string | undefined; line?: number | undefined; excerpt: string[] };
}

/**
 * `go test` and `go test -v`: `--- FAIL: Name` lines (subtests as `Name/sub`), the `file.go:N:`
 * lines a test logged before or under its result (placed in the folder of the package that the
 * `FAIL\tpkg` line names), a panic with its goroutine trace, and the `# package` blocks of compile
 * errors (`build`) and of `go vet` findings (`lint`), as `go test` and `go vet` print them.
 */
export const parseGoTest = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const tests = new Map<string, TestRecord>();
  const record = (name: string) => {
    const known = tests.get(name);
    if (known) return known;
    const test: TestRecord = { name, failed: false, logs: [] };
    tests.set(name, test);
    unplaced.push(test);
    return test;
  };
  const failures: ParsedFailure[] = [];
  let current: TestRecord | undefined;
  let inBuildOutput = false;
  // Tests read since the last package line: that line (`FAIL\tpkg\t0.01s`) says where they live.
  let unplaced: TestRecord[] = [];

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const run = runLine.exec(line);
    const fail = failLine.exec(line);
    const packageLine = /^(?:FAIL|ok)\s+(\S+)\s+(?:[\d.]+s|\(cached\)|\[)/.exec(line);
    if (packageLine?.[1]) {
      for (const test of unplaced) test.folder = packageFolder(packageLine[1]);
      unplaced = [];
      current = undefined;
    } else if (run?.[2]) {
      current = record(run[2]);
      inBuildOutput = false;
    } else if (fail?.[2]) {
      current = record(fail[2]);
      current.failed = true;
      inBuildOutput = false;
    } else if (/^# \S+/.test(line)) {
      inBuildOutput = true;
    } else if (inBuildOutput && compileError.test(line)) {
      const match = compileError.exec(line);
      failures.push({
        kind: vetMessage.test(match?.[3] ?? '') ? 'lint' : 'build',
        file: match?.[1]?.replace(/^\.\//, ''),
        line: lineNumber(match?.[2]),
        message: compactMessage([match?.[3] ?? line], 1),
        logExcerpt: makeExcerpt([line]),
      });
    } else if (/^panic: /.test(line)) {
      const trace: string[] = [line];
      while (index + 1 < lines.length && !/^(FAIL|ok)\s|^--- |^=== /.test(lines[index + 1] ?? '')) trace.push(lines[++index] ?? '');
      const userFrames = trace
        .map((traceLine, traceIndex) => ({ traceLine, traceIndex, match: goroutineFrame.exec(traceLine) }))
        .filter(({ match }) => match?.[1] !== undefined && isUserPath(match[1]));
      const frame = userFrames[0]?.match;
      const target = current ?? record('');
      target.failed = true;
      target.panic = {
        message: line.replace(/ \[recovered\]$/, ''),
        file: frame?.[1],
        line: lineNumber(frame?.[2]),
        // The panic, then each user frame as its function and its file:line.
        excerpt: [
          line,
          ...userFrames.slice(0, 3).flatMap(({ traceLine, traceIndex }) => [trace[traceIndex - 1] ?? '', `  ${traceLine.trim()}`]),
        ],
      };
    } else if (current && logLine.test(line)) {
      const match = logLine.exec(line);
      current.logs.push({ file: match?.[1] ?? '', line: lineNumber(match?.[2]), text: match?.[3] ?? '' });
    } else if (current && current.logs.length > 0 && /^\s{8,}\S/.test(line)) {
      // A multi-line t.Log message continues with deeper indentation.
      const last = current.logs.at(-1);
      if (last) last.text += `\n${line.trim()}`;
    }
  }

  const parentsOfFailed = new Set<string>();
  for (const test of tests.values()) {
    if (!test.failed) continue;
    const parts = test.name.split('/');
    for (let depth = 1; depth < parts.length; depth++) parentsOfFailed.add(parts.slice(0, depth).join('/'));
  }
  for (const test of tests.values()) {
    if (!test.failed) continue;
    // A parent fails because a subtest did: report the subtest, not the parent again.
    const hasFailedChild = parentsOfFailed.has(test.name);
    if (hasFailedChild && test.logs.length === 0 && !test.panic) continue;
    const first = test.logs[0];
    failures.push({
      kind: 'test',
      test: test.name || undefined,
      file: test.panic?.file ?? (first ? inPackage(first.file, test.folder) : undefined),
      line: test.panic ? test.panic.line : first?.line,
      message: test.panic
        ? test.panic.message
        : compactMessage(
            test.logs.map((log) => log.text),
            3,
          ) || 'FAIL',
      logExcerpt: makeExcerpt(
        test.panic ? test.panic.excerpt : test.logs.map((log) => `${inPackage(log.file, test.folder)}:${log.line ?? '?'}: ${log.text}`),
      ),
    });
  }
  return failures;
};
