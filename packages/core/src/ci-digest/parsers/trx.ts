import { causeLines, classifyFailure } from '../classify-failure.js';
import { otherUserFrames } from '../language-frames.js';
import { compactMessage, makeExcerpt, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { findElements, readXml, type XmlElement } from '../read-xml.js';
import { locateFailure } from '../test-location.js';

const childText = (element: XmlElement | undefined, name: string): string =>
  element?.children.find((child) => child.name === name)?.text ?? '';

/**
 * Visual Studio TRX (`dotnet test --logger trx`, and the TRX writers of other runners): each
 * `<UnitTestResult outcome="Failed">` with its `ErrorInfo` message and stack trace; the test's
 * file from its `<UnitTest storage>` definition. Frames are .NET's `at X() in file:line N` or
 * JavaScript's, whichever the writer's runner printed.
 */
export const parseTrx = (text: string): ParsedFailure[] => {
  const start = text.search(/<TestRun[\s>]/);
  const elements = readXml(start >= 0 ? text.slice(start) : text);
  const storage = new Map(findElements(elements, 'UnitTest').map((test) => [test.attributes.id ?? '', test.attributes.storage ?? '']));
  return findElements(elements, 'UnitTestResult').flatMap((result): ParsedFailure[] => {
    if (result.attributes.outcome !== 'Failed' && result.attributes.outcome !== 'Error') return [];
    const output = result.children.find((child) => child.name === 'Output');
    const error = output?.children.find((child) => child.name === 'ErrorInfo');
    const body = `${childText(error, 'Message')}\n${childText(error, 'StackTrace')}`.split('\n');
    const messageLines: string[] = [];
    for (const line of body) {
      if (/^\s+at /.test(line)) break;
      if (line.trim() !== '') messageLines.push(line);
    }
    const message = compactMessage(messageLines, 3);
    const testFile = storage.get(result.attributes.testId ?? '') || undefined;
    const frames = [...userFrames(body), ...otherUserFrames(body)];
    // A TRX writer names a file that did not load as a test named after the file.
    const fileLevel = testFile !== undefined && result.attributes.testName === testFile.split(/[/\\]/).at(-1);
    return [
      {
        kind: classifyFailure([message, ...causeLines(body)].join('\n'), fileLevel ? 'build' : 'test'),
        test: fileLevel ? undefined : result.attributes.testName,
        ...(frames.length > 0 ? locateFailure(frames, /\.dll$/i.test(testFile ?? '') ? undefined : testFile) : { file: testFile }),
        message: message || 'failed',
        logExcerpt: makeExcerpt(body),
      },
    ];
  });
};
