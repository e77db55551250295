import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

const outputHeader = /^---- (.+?) stdout ----$/;
// Rust ≥ 1.73: `thread 'name' (id) panicked at file:line:col:` then the message on the next lines.
const panicNew = /^thread '(.+?)'(?: \(\d+\))? panicked at (.+?):(\d+):\d+:$/;
// Older Rust: `thread 'name' panicked at 'message', file:line:col`.
const panicOld = /^thread '(.+?)' panicked at '(.*)', (.+?):(\d+):\d+$/;
const compileError = /^error(\[E\d+\])?: (.*)$/;
const arrow = /^\s*--> (.+?):(\d+):\d+$/;
const notCompileErrors = /^(could not compile|test failed, to rerun|aborting due to|build failed|\d+ targets? failed)/;

/**
 * `cargo test`: each `---- test stdout ----` block with its panic (`panicked at file:line:col:`
 * and the message, both the current and the pre-1.73 format), `test x ... FAILED` when the blocks
 * are missing, and rustc errors (`error[E0308]: …` then `--> file:line:col`) when the crate does
 * not compile.
 */
export const parseCargoTest = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  const reported = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const header = outputHeader.exec(line);
    const error = compileError.exec(line);
    if (header?.[1]) {
      const body: string[] = [];
      while (index + 1 < lines.length && !/^(---- .+ stdout ----|failures:|test result:)/.test(lines[index + 1] ?? '')) {
        body.push(lines[++index] ?? '');
      }
      const panicAt = body.findIndex((bodyLine) => panicNew.test(bodyLine) || panicOld.test(bodyLine));
      const current = panicNew.exec(body[panicAt] ?? '');
      const old = panicOld.exec(body[panicAt] ?? '');
      const messageLines: string[] = [];
      for (const bodyLine of body.slice(panicAt + 1)) {
        if (!current || bodyLine.trim() === '' || /^(note: |stack backtrace:)/.test(bodyLine)) break;
        messageLines.push(bodyLine);
      }
      const message = old ? (old[2] ?? '') : compactMessage(panicAt >= 0 ? messageLines : body, 3);
      reported.add(header[1]);
      failures.push({
        kind: 'test',
        test: header[1],
        file: current?.[2] ?? old?.[3],
        line: lineNumber(current?.[3] ?? old?.[4]),
        message: message || 'test failed',
        logExcerpt: makeExcerpt(panicAt >= 0 ? body.slice(panicAt, panicAt + 1 + messageLines.length) : body),
      });
    } else if (error?.[2] && !notCompileErrors.test(error[2])) {
      const block = [line];
      while (index + 1 < lines.length && /^(\s|\d+\s*\||help:|note:|=)/.test(lines[index + 1] ?? '') && (lines[index + 1] ?? '') !== '') {
        block.push(lines[++index] ?? '');
      }
      const location = block.map((blockLine) => arrow.exec(blockLine)).find((match) => match !== null);
      // rustc's primary label (`^^^ expected u32, found String`) says what is wrong at that spot.
      const label = block.map((blockLine) => /^\s*\|\s*\^+\s+(.+)$/.exec(blockLine)?.[1]).find((text) => text !== undefined);
      failures.push({
        kind: 'build',
        file: location?.[1],
        line: lineNumber(location?.[2]),
        message: `${error[1] ? `${error[1].slice(1, -1)}: ` : ''}${error[2]}${label ? ` (${label})` : ''}`,
        logExcerpt: makeExcerpt(block),
      });
    }
  }
  // Without the output blocks (cut off, or --nocapture), the `... FAILED` lines still name the tests.
  for (const line of lines) {
    const name = /^test (\S+) \.\.\. FAILED$/.exec(line)?.[1] ?? /^(\S+) --- FAILED$/.exec(line)?.[1];
    if (name && !reported.has(name)) {
      reported.add(name);
      failures.push({ kind: 'test', test: name, message: 'test failed', logExcerpt: line });
    }
  }
  return failures;
};
