import type { CiFailure } from '../../domain/ci.js';
import { digestCheckOutput } from '../digest-check-output.js';
import type { CorpusEntry } from './corpus.js';

/** kind[ severity], file:line[ (test at file:line)], test. */
const digestCells = (failure: CiFailure): [string, string, string] => {
  const at = failure.file ? `${failure.file}${failure.line ? `:${failure.line}` : ''}` : '';
  const test = failure.testFile ? ` (test at ${failure.testFile}${failure.testLine ? `:${failure.testLine}` : ''})` : '';
  return [`${failure.kind}${failure.severity ? ` ${failure.severity}` : ''}`, `${at}${test}`, failure.test ?? ''];
};

/** One digest row: `kind[ severity] | file:line[ (test at file:line)] | test`. */
export const digestRow = (failure: CiFailure): string => digestCells(failure).join(' | ').trimEnd();

export const digestOf = (entry: CorpusEntry): CiFailure[] =>
  digestCheckOutput({
    check: 'ci',
    output: entry.output,
    exitCode: entry.exitCode,
    ...(entry.workdir ? { workdir: entry.workdir } : {}),
  });

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const shortMessage = (message: string) => {
  const first = message.split('\n')[0] ?? '';
  return first.length > 90 ? `${first.slice(0, 89)}…` : first;
};

/** The corpus as a Markdown table: one row per failure the digest names. */
export const renderDigestTable = (corpus: readonly CorpusEntry[]): string => {
  const rows = corpus.flatMap((entry) =>
    digestOf(entry).map((failure, index) => {
      const [kind, where, test] = digestCells(failure);
      const name = index === 0 ? `\`${entry.name}\`` : '';
      return `| ${name} | ${cell(kind)} | ${cell(where)} | ${cell(test)} | ${cell(shortMessage(failure.message))} |`;
    }),
  );
  return ['| fixture | kind | file:line | test | message |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
};
