import { classifyFailure } from '../classify-failure.js';
import { jvmSourcePath, jvmUserFrames, pythonUserFrames } from '../language-frames.js';
import { compactMessage, isUserPath, lineNumber, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { findElements, readXml } from '../read-xml.js';
import { type FailureLocation, locateFailure } from '../test-location.js';

const looksLikeFile = (name: string) => /[/\\]|\.(m?[jt]sx?|py|go|rs|java|kt|rb|cs|php)$/.test(name);

/** Where the failure points and where its test is, from the failure text in whatever style its runner prints. */
const locationIn = (lines: readonly string[], classname: string, testFile: string | undefined): FailureLocation | undefined => {
  const javascript = userFrames(lines);
  if (javascript.length > 0) return locateFailure(javascript, testFile);
  // A JUnit classname of a JVM runner is the test class: its frames name bare files (`CartTest.java:18`).
  const jvm = jvmUserFrames(lines, new Set([classname]));
  if (jvm.length > 0) {
    const packageName = classname.split('.').slice(0, -1).join('.');
    const simpleName = (classname.split('.').at(-1) ?? '').split('$')[0] ?? '';
    return locateFailure(jvm, testFile ?? jvmSourcePath(packageName, `${simpleName}.java`, new Set([classname])));
  }
  const python = [
    ...pythonUserFrames(lines),
    ...lines
      .map((line) => /^(\S+\.py):(\d+): /.exec(line))
      .filter((match) => match !== null && isUserPath(match[1] ?? ''))
      .map((match) => ({ file: match?.[1] ?? '', line: lineNumber(match?.[2]) }))
      .reverse(),
  ];
  if (python.length > 0) return locateFailure(python, testFile);
  const other = lines.map((line) => /(?:^|\s|\()([\w./-]+\.(?:go|rs|java|kt|rb|cs|php)):(\d+)/.exec(line)).find((match) => match !== null);
  return other?.[1] ? { file: other[1], line: lineNumber(other[2]) } : undefined;
};

/**
 * JUnit XML as vitest, jest-junit, pytest, go-junit-report, cargo2junit, surefire and others
 * write it: each `<testcase>` with a `<failure>` or `<error>` child becomes a failure. Works on a
 * report embedded in a log, and on one cut short.
 */
export const parseJunitXml = (text: string): ParsedFailure[] => {
  const start = text.search(/<\?xml|<testsuites?[\s>]/);
  const elements = readXml(start >= 0 ? text.slice(start) : text);
  const failures: ParsedFailure[] = [];
  for (const testcase of findElements(elements, 'testcase')) {
    const problem = testcase.children.find((child) => child.name === 'failure' || child.name === 'error');
    if (!problem) continue;
    const { classname = '', name = '' } = testcase.attributes;
    const body = problem.text.split('\n');
    const bodyLines = body.filter((line) => line.trim() !== '');
    const attributeMessage = problem.attributes.message?.trim();
    const typeName = problem.attributes.type;
    const firstLine = attributeMessage ?? bodyLines[0] ?? '';
    const message = compactMessage(
      (typeName && attributeMessage && !attributeMessage.startsWith(typeName) && /Error|Exception/.test(typeName)
        ? `${typeName}: ${firstLine}`
        : firstLine
      ).split('\n'),
    );
    const classIsFile = looksLikeFile(classname);
    const location = locationIn(body, classname, testcase.attributes.file ?? (classIsFile ? classname : undefined));
    // vitest names a file that failed to load after the file itself.
    const isFileLevel = name === classname || (name !== '' && looksLikeFile(name) && classIsFile);
    const test = isFileLevel ? undefined : classIsFile || classname === '' ? name : `${classname}.${name}`;
    failures.push({
      kind: classifyFailure(message, problem.name === 'error' && isFileLevel ? 'build' : 'test'),
      test: test || undefined,
      ...(location?.file ? location : { file: testcase.attributes.file ?? (classIsFile ? classname : undefined) }),
      ...(lineNumber(testcase.attributes.line) && !location?.line ? { line: lineNumber(testcase.attributes.line) } : {}),
      message: message || problem.name,
      logExcerpt: makeExcerpt(body),
    });
  }
  return failures;
};
