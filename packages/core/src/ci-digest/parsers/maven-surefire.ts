import { classifyFailure } from '../classify-failure.js';
import { jvmSourcePath, jvmUserFrames } from '../language-frames.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

// Surefire 2: `[ERROR] knowsTheInk(com.example.shop.CartTest)  Time elapsed: 0.011 s  <<< ERROR!`
const surefire2 = /^\[ERROR\] ([\w$]+)\(([\w.$]+)\)\s+Time elapsed: .*<<< (FAILURE|ERROR)!\s*$/;
// Surefire 3: `[ERROR] com.example.shop.CartTest.knowsTheInk -- Time elapsed: 0.011 s <<< ERROR!`
const surefire3 = /^\[ERROR\] ([\w.$]+)\.([\w$]+)(?:\(\))? -- Time elapsed: .*<<< (FAILURE|ERROR)!\s*$/;
// `[ERROR] Tests run: 3, … <<< FAILURE! - in com.example.shop.CartTest` names the classes that ran.
const classLine = /<<< FAILURE! -+ in ([\w.$]+)\s*$/;
// javac through maven-compiler-plugin: `[ERROR] /repo/src/main/java/…/Cart.java:[16,40] message`
const compileError = /^\[ERROR\] (\S+?\.(?:java|kt)):\[(\d+),\d+\] (.+)$/;

/**
 * Maven's console with Surefire (or Failsafe): one `<<< FAILURE!` / `<<< ERROR!` block per failed
 * test (its exception and the stack), and javac's `file:[line,col] message` compile errors. Frame
 * file names (`CartTest.java:18`) become repository paths from their package, in Maven's layout.
 */
export const parseMavenSurefire = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const testClasses = new Set(lines.flatMap((line) => classLine.exec(line)?.[1] ?? []));
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const compile = compileError.exec(line);
    if (compile?.[1]) {
      const detail: string[] = [];
      while (index + 1 < lines.length && /^(\[ERROR\])?\s{2,}\S/.test(lines[index + 1] ?? '')) detail.push(lines[++index] ?? '');
      const message = compactMessage([compile[3] ?? '', ...detail.map((entry) => entry.replace(/^\[ERROR\]/, ''))], 2);
      failures.push({
        kind: classifyFailure(message, 'build'),
        file: compile[1],
        line: lineNumber(compile[2]),
        message,
        logExcerpt: makeExcerpt([line, ...detail]),
      });
      continue;
    }
    const header = surefire2.exec(line) ?? surefire3.exec(line);
    if (!header) continue;
    const [method, className] = surefire2.test(line) ? [header[1], header[2]] : [header[2], header[1]];
    const body: string[] = [];
    while (
      index + 1 < lines.length &&
      (lines[index + 1] ?? '').trim() !== '' &&
      !/^\[(ERROR|INFO|WARNING)\]/.test(lines[index + 1] ?? '')
    ) {
      body.push(lines[++index] ?? '');
    }
    const message = compactMessage(
      body.filter((entry) => !/^\s+(at |\.\.\. \d+ more)/.test(entry)),
      3,
    );
    const simpleName = (className ?? '').split('.').at(-1) ?? '';
    const packageName = (className ?? '').split('.').slice(0, -1).join('.');
    const testFile = jvmSourcePath(packageName, `${simpleName.split('$')[0]}.java`, new Set([...testClasses, className ?? '']));
    failures.push({
      kind: classifyFailure(message, 'test'),
      test: `${simpleName}.${method}`,
      ...locateFailure(jvmUserFrames(body, new Set([...testClasses, className ?? ''])), testFile),
      message: message || header[3]?.toLowerCase() || 'failed',
      logExcerpt: makeExcerpt(body.filter((entry) => !/^\s+at (java\.|jdk\.|sun\.|org\.junit\.|org\.apache\.maven\.)/.test(entry))),
    });
  }
  return failures;
};
