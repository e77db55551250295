import type { FailureSeverity } from '../../domain/ci.js';
import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { orderBySeverity } from '../severity.js';

// `shop/cart.py:23: error: Incompatible return value type …  [return-value]` (column with --show-column-numbers)
const diagnostic = /^(\S+?\.pyi?):(\d+)(?::\d+)?: (error|warning|note): (.*)$/;
const severities: Record<string, FailureSeverity> = { error: 'error', warning: 'warning', note: 'info' };

/**
 * mypy's diagnostics (`file:line: error: message  [code]`), plain or `--pretty` (a message that
 * wraps goes on unindented, the code frame follows indented). Notes are infos: they only count
 * when nothing else is there (see `orderBySeverity`). `file: note: In function …` lines are context.
 */
export const parseMypy = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const found: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const match = diagnostic.exec(line);
    if (!match?.[1]) continue;
    const message = [match[4] ?? ''];
    const frame: string[] = [];
    while (index + 1 < lines.length) {
      const next = lines[index + 1] ?? '';
      if (diagnostic.test(next) || /^\S+?\.pyi?: note: /.test(next) || /^(Found|Success:) /.test(next) || next.trim() === '') break;
      if (/^\s/.test(next)) frame.push(next);
      else message.push(next);
      index++;
    }
    const text = message.join(' ').replace(/\s{2,}\[([\w-]+)\]$/, ' ($1)');
    found.push({
      kind: classifyFailure(text, 'type'),
      severity: severities[match[3] ?? 'error'] ?? 'error',
      file: match[1],
      line: lineNumber(match[2]),
      message: compactMessage([text], 1),
      logExcerpt: makeExcerpt([line, ...message.slice(1), ...frame]),
    });
  }
  return orderBySeverity(found);
};
