import type { FailureSeverity } from '../../domain/ci.js';
import { classifyFailure } from '../classify-failure.js';
import { compactMessage, lineNumber, makeExcerpt } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';
import { orderBySeverity } from '../severity.js';

// `src/app.js:4:9 lint/correctness/noUnusedVariables  FIXABLE  ━━━━`, `src/app.js format ━━━━`
const diagnosticHeader =
  /^(\S+?)(?::(\d+):(\d+))? ((?:lint|assist|syntax|suppressions)\/\S+|format|parse|organizeImports|internalError\/\S+)(?:\s+[A-Z]+)*\s+━+\s*$/;
const severityLine = /^\s+([×✖!⚠iℹ]) (.+)$/;

const severityOf = (marker: string | undefined): FailureSeverity =>
  marker === '!' || marker === '⚠' ? 'warning' : marker === 'i' || marker === 'ℹ' ? 'info' : 'error';

/**
 * Biome's default console reporter: one block per diagnostic (`file:line:col category ━━━`, then
 * `× message` for an error, `! message` for a warning, `i message` for an info, a code frame and
 * hints). The closing `check ━━━` block is a summary. Errors first, then warnings (see `orderBySeverity`).
 */
export const parseBiome = (text: string): ParsedFailure[] => {
  const lines = text.split('\n');
  const diagnostics: ParsedFailure[] = [];
  for (let index = 0; index < lines.length; index++) {
    const header = diagnosticHeader.exec(lines[index] ?? '');
    if (!header?.[1]) continue;
    const body: string[] = [];
    while (index + 1 < lines.length && !/━━━\s*$/.test(lines[index + 1] ?? '') && !/^(Checked|Found) \d+/.test(lines[index + 1] ?? '')) {
      body.push(lines[++index] ?? '');
    }
    const severity = body.map((line) => severityLine.exec(line)).find((match) => match !== null);
    const category = header[4] ?? '';
    const isFormat = category === 'format';
    const text = isFormat ? 'File is not formatted as Biome would format it' : (severity?.[2] ?? category);
    // Keep the message and its code frame; the fix diff after the hints is long and repeats the file.
    const hint = body.findIndex((line, bodyIndex) => bodyIndex > 0 && /^\s+i /.test(line));
    diagnostics.push({
      // A format or parse block has no severity line: it fails the check, so it is an error.
      severity: severityOf(severity?.[1]),
      kind: category === 'parse' || category.startsWith('syntax/') ? classifyFailure(text, 'build') : 'lint',
      file: header[1],
      line: lineNumber(header[2]),
      message: compactMessage([`${text}${isFormat ? '' : ` (${category})`}`], 1),
      logExcerpt: makeExcerpt(
        [lines[index - body.length] ?? '', ...body.slice(0, isFormat ? 6 : hint > 0 ? hint : undefined)].map((line) =>
          line.replace(/\s*━+\s*$/, ''),
        ),
      ),
    });
  }
  return orderBySeverity(diagnostics);
};
