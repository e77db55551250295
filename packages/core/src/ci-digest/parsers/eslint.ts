import { classifyFailure } from '../classify-failure.js';
import { lineNumber, truncateBytes } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { orderBySeverity } from '../severity.js';

// stylish (the default): a file line, then `  line:col  error  message  rule` rows.
const stylishRow = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)\s*$/;
// unix: file:line:col: message [Error/rule]
const unixRow = /^(.+?):(\d+):(\d+): (.*) \[(Error|Warning)(?:\/(.+?))?\]\s*$/;
// compact: file: line 4, col 9, Error - message (rule)
const compactRow = /^(.+?): line (\d+), col \d+, (Error|Warning) - (.*?)(?: \(([@\w/-]+)\))?\s*$/;

/** stylish pads columns with two or more spaces; the last column is the rule when it looks like one. */
const splitStylishMessage = (rest: string): { message: string; rule?: string } => {
  const columns = rest.split(/\s{2,}/);
  const last = columns.at(-1) ?? '';
  if (columns.length > 1 && /^[@\w][\w@/-]*$/.test(last)) return { message: columns.slice(0, -1).join('  '), rule: last };
  return { message: rest };
};

const problem = (
  file: string | undefined,
  line: string | undefined,
  severity: string,
  message: string,
  rule: string | undefined,
  raw: string,
): ParsedFailure => {
  const text = `${message.replace(/\.$/, '')}${rule ? ` (${rule})` : ''}`;
  return {
    severity: /^error$/i.test(severity) ? 'error' : 'warning',
    kind: classifyFailure(message, 'lint'),
    file,
    line: lineNumber(line),
    message: truncateBytes(text, 400),
    logExcerpt: truncateBytes(raw.trim(), 400),
  };
};

/** ESLint's stylish, unix and compact formats: errors first, then warnings (see `orderBySeverity`). */
export const parseEslint = (text: string): ParsedFailure[] => {
  const problems: ParsedFailure[] = [];
  let file: string | undefined;
  for (const line of text.split('\n')) {
    const unix = unixRow.exec(line);
    const compact = unix ? null : compactRow.exec(line);
    const stylish = unix || compact ? null : stylishRow.exec(line);
    if (unix?.[1]) problems.push(problem(unix[1], unix[2], unix[5] ?? '', unix[4] ?? '', unix[6], line));
    else if (compact?.[1]) problems.push(problem(compact[1], compact[2], compact[3] ?? '', compact[4] ?? '', compact[5], line));
    else if (stylish) {
      // The file line may have been cut off with the head of a long log: the row still counts.
      const { message, rule } = splitStylishMessage(stylish[4] ?? '');
      problems.push(problem(file, stylish[1], stylish[3] ?? '', message, rule, file ? `${file}\n${line}` : line));
    } else if (/^\S/.test(line) && !/^✖ \d+ problems?/.test(line)) file = line.trim();
  }
  return orderBySeverity(problems);
};
