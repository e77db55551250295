import { classifyFailure } from '../classify-failure.js';
import { compactMessage, firstUserFrame, isUserPath, lineNumber, makeExcerpt, type SourceLocation } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { findElements, readXml } from '../read-xml.js';

const looksLikeFile = (name: string) => /[/\\]|\.(m?[jt]sx?|py|go|rs|java|kt|rb|cs|php)$/.test(name);

/** Where the failure points, from the failure text in whatever style its runner prints. */
const locationIn = (lines: readonly string[]): SourceLocation | undefined => {
  const frame = firstUserFrame(lines);
  if (frame) return frame;
  const python = lines.map((line) => /^(\S+\.py):(\d+): /.exec(line)).filter((match) => match !== null && isUserPath(match[1] ?? ''));
  const innermost = python.at(-1);
  if (innermost?.[1]) return { file: innermost[1], line: lineNumber(innermost[2]) };
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
    const location = locationIn(body);
    const classIsFile = looksLikeFile(classname);
    // vitest names a file that failed to load after the file itself.
    const isFileLevel = name === classname || (name !== '' && looksLikeFile(name) && classIsFile);
    const test = isFileLevel ? undefined : classIsFile || classname === '' ? name : `${classname}.${name}`;
    failures.push({
      kind: classifyFailure(message, problem.name === 'error' && isFileLevel ? 'build' : 'test'),
      test: test || undefined,
      file: testcase.attributes.file ?? location?.file ?? (classIsFile ? classname : undefined),
      line: lineNumber(testcase.attributes.line) ?? location?.line,
      message: message || problem.name,
      logExcerpt: makeExcerpt(body),
    });
  }
  return failures;
};
