import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

// `ERROR in ./src/format.js 3:30`, `ERROR in ./src/index.js 2:0-41`, `ERROR in ./src/a.ts:3:7` (ts-loader)
const errorHeader = /^ERROR in (\S+?)(?::(\d+):\d+| (\d+):\d+(?:-\d+)?)?\s*$/;

/**
 * webpack's stats output: one `ERROR in <module> line:col` block per error, the message on the next
 * line (`Module not found: …`, `Module parse failed: …`), then details and a code frame.
 * `WARNING in` blocks do not fail a build and are not reported.
 */
export const parseWebpack = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = errorHeader.exec(lines[index] ?? '');
    if (!header?.[1]) continue;
    const start = index;
    const body: string[] = [];
    while (index + 1 < lines.length && (lines[index + 1] ?? '').trim() !== '' && !/^(ERROR|WARNING) in /.test(lines[index + 1] ?? '')) {
      body.push(lines[++index] ?? '');
    }
    // A missing module's block lists every path the resolver tried: only its first lines matter.
    const message = (body[0] ?? 'webpack error').replace(/^Module not found: Error: /, 'Module not found: ');
    failures.push({
      kind: classifyFailure(message, 'build'),
      file: header[1],
      line: lineNumber(header[2] ?? header[3]),
      message: compactMessage([message], 1),
      logExcerpt: makeExcerpt(
        [
          lines[start] ?? '',
          ...body.filter(
            (line) =>
              !/^\s{2,}(using description file|Field '|aliased|Failed to alias|no extension|\.\w+$|as directory|\/.* doesn't exist)/.test(
                line,
              ),
          ),
        ],
        10,
      ),
    });
  }
  return failures;
};
