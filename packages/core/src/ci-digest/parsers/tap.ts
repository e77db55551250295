import { classifyFailure } from '../classify-failure.js';
import { assertionMessage, firstUserFrame, lineNumber, makeExcerpt, type SourceLocation, userFrames } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { locateFailure } from '../test-location.js';

const testPoint = /^(\s*)not ok\s+\d+(?:\s+-)?\s*(.*?)\s*$/;
const subtest = /^(\s*)# Subtest: (.+?)\s*$/;
const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;

/** The few YAML shapes TAP producers write: `key: value`, `key: 'quoted'`, `key: |-` blocks, nested maps. */
const readYamlBlock = (lines: readonly string[]): Map<string, string> => {
  const fields = new Map<string, string>();
  const base = lines.find((line) => line.trim() !== '') ?? '';
  const baseIndent = indentOf(base);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const match = /^(\s*)([\w-]+):(?:\s(.*))?$/.exec(line);
    if (!match?.[2] || (match[1]?.length ?? 0) !== baseIndent) continue;
    const value = (match[3] ?? '').trim();
    if (value === '' || /^[|>][-+]?$/.test(value)) {
      const nested: string[] = [];
      while (index + 1 < lines.length && (indentOf(lines[index + 1] ?? '') > baseIndent || (lines[index + 1] ?? '').trim() === '')) {
        nested.push(lines[++index] ?? '');
      }
      const minIndent = Math.min(...nested.filter((nestedLine) => nestedLine.trim() !== '').map(indentOf));
      fields.set(
        match[2],
        nested
          .map((nestedLine) => nestedLine.slice(minIndent))
          .join('\n')
          .trimEnd(),
      );
    } else {
      fields.set(match[2], value.replace(/^'(.*)'$/s, (_, inner: string) => inner.replaceAll("''", "'")).replace(/^"(.*)"$/s, '$1'));
    }
  }
  return fields;
};

const locationFrom = (value: string | undefined): SourceLocation | undefined => {
  const match = value ? /^(?:file:\/\/)?(.+?):(\d+)(?::\d+)?$/.exec(value.trim()) : null;
  return match?.[1] ? { file: match[1], line: lineNumber(match[2]) } : undefined;
};

/**
 * TAP from any producer: node's `--test-reporter=tap` (nested `# Subtest:`, YAML with `error`,
 * `location`, `stack`), mocha's `--reporter tap` (indented message and stack), tape and
 * node-tap (`message`, `at`, `found` / `wanted`). `# TODO` and `# SKIP` points are not failures.
 */
export const parseTap = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const failures: ParsedFailure[] = [];
  const parents: Array<{ indent: number; name: string }> = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const sub = subtest.exec(line);
    if (sub?.[2]) {
      const indent = sub[1]?.length ?? 0;
      while ((parents.at(-1)?.indent ?? -1) >= indent) parents.pop();
      parents.push({ indent, name: sub[2] });
      continue;
    }
    const point = testPoint.exec(line);
    if (!point) continue;
    const indent = point[1]?.length ?? 0;
    const body: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1] ?? '';
      if (next.trim() !== '' && indentOf(next) <= indent) break;
      body.push(next);
      index++;
    }
    const rawName = point[2] ?? '';
    if (/#\s*(TODO|SKIP)\b/i.test(rawName)) continue;
    const name = rawName.replace(/\s+#\s.*$/, '');
    while ((parents.at(-1)?.indent ?? -1) > indent) parents.pop();
    // node names the point after the `# Subtest:` line just above it, at the same indent.
    if (parents.at(-1)?.indent === indent && parents.at(-1)?.name === name) parents.pop();
    const test = [...parents.map((parent) => parent.name), name].filter(Boolean).join(' > ') || undefined;

    const yamlStart = body.findIndex((bodyLine) => /^\s*---\s*$/.test(bodyLine));
    const yamlEnd = body.findIndex((bodyLine, bodyIndex) => bodyIndex > yamlStart && /^\s*\.\.\.\s*$/.test(bodyLine));
    if (yamlStart >= 0) {
      const fields = readYamlBlock(body.slice(yamlStart + 1, yamlEnd > yamlStart ? yamlEnd : undefined));
      // A parent whose children failed carries no error of its own.
      if (fields.get('failureType') === 'subtestsFailed') continue;
      const error = fields.get('error') ?? fields.get('message') ?? '';
      const errorName = fields.get('name');
      const errorLines = error.split('\n');
      const headline = errorName && errorName !== 'Error' ? `${errorName}: ${errorLines[0] ?? ''}` : (errorLines[0] ?? '');
      const values = ['wanted', 'found', 'expected', 'actual']
        .filter((key) => fields.has(key) && !fields.get(key)?.includes('\n'))
        .map((key) => `${key}: ${fields.get(key)}`);
      const message = assertionMessage([headline, ...errorLines.slice(1), ...(errorLines.length > 1 ? [] : values)]);
      const stack = (fields.get('stack') ?? '').split('\n');
      // node's TAP names where the test itself is (`location`); the stack, where it failed.
      const declared = locationFrom(fields.get('location'));
      const frames = userFrames(stack);
      const frame =
        frames.length > 0 ? undefined : (declared ?? locationFrom(fields.get('at')) ?? firstUserFrame([fields.get('at') ?? '']));
      failures.push({
        kind: classifyFailure(message, 'test'),
        test,
        ...(frame ? { file: frame.file, line: frame.line } : locateFailure(frames, declared?.file)),
        message: message || 'not ok',
        logExcerpt: makeExcerpt([headline, ...errorLines.slice(1), ...stack.map((frameLine) => `    at ${frameLine.trim()}`)]),
      });
    } else {
      // mocha prints the message, then the stack, which repeats it after the error's name.
      const stackHead = body.findIndex((bodyLine) => /^\s*([A-Z]\w*)?(Error|Exception)\b[^:]*:/.test(bodyLine));
      const errorLines = stackHead > 0 ? body.slice(stackHead) : body;
      const message = assertionMessage(errorLines);
      failures.push({
        kind: classifyFailure(message, 'test'),
        test,
        ...locateFailure(userFrames(errorLines)),
        message: message || 'not ok',
        logExcerpt: makeExcerpt(errorLines),
      });
    }
  }
  return failures;
};
