import { classifyFailure } from '../classify-failure.js';
import { lineNumber, truncateBytes } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { orderBySeverity } from '../severity.js';

const command = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/;

/** Workflow command values escape `%`, CR, LF (and `:` / `,` in properties). */
const unescapeValue = (value: string) =>
  value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%25/g, '%');

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), as Biome's and
 * other tools' `github` reporters print them: errors, then warnings; notices only when alone.
 */
export const parseGithubAnnotations = (text: string): ParsedFailure[] => {
  const found: ParsedFailure[] = [];
  for (const line of text.split('\n')) {
    const match = command.exec(line.trim());
    if (!match) continue;
    const properties = new Map(
      (match[2] ?? '')
        .split(',')
        .map((pair) => pair.split('='))
        .filter((pair): pair is [string, string] => pair.length >= 2 && pair[0] !== undefined)
        .map(([key, ...value]) => [key.trim(), unescapeValue(value.join('='))]),
    );
    const title = properties.get('title');
    const message = unescapeValue(match[3] ?? '').trim();
    const isLint = title !== undefined && /^(lint\/|format$|assist\/|eslint|[\w-]+\/[\w-]+$)/.test(title);
    found.push({
      severity: match[1] === 'error' ? 'error' : match[1] === 'warning' ? 'warning' : 'info',
      kind: classifyFailure(message, isLint ? 'lint' : 'unknown'),
      file: properties.get('file'),
      line: lineNumber(properties.get('line')),
      message: truncateBytes(title ? `${message} (${title})` : message, 400),
      logExcerpt: truncateBytes(line.trim(), 400),
    });
  }
  return orderBySeverity(found);
};
