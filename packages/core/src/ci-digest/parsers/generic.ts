import type { FailureKind } from '../../domain/ci.js';
import { byteLength, tailBytes } from '../../feedback/text.js';
import { classifyFailure } from '../classify-failure.js';
import { kindFromName, kindFromOutput } from '../kind-hint.js';
import { maxExcerptBytes, truncateBytes } from '../log-lines.js';
import type { ParsedFailure } from '../parsed-failure.js';

const marker =
  /##\[error\]|\btimed out\b|\bno response\b|\brefused\b|\berror\b|\bERR!|\bFAIL(ED|URE)?\b|\bfatal\b|\bpanic(ked)?\b|Traceback \(most recent call last\)|\bException\b|command not found|: not found\s*$|No such file or directory|\bKilled\b|out of memory|Segmentation fault|exit(ed)? (with )?(code|status) [1-9]/i;
const notAMarker = /\b0 (errors?|failures?|failed)\b|\berrors?: 0\b|^\s*##\[(group|endgroup)\]/i;
// Lines that say a step failed without saying why: the cause is on another line.
const summaryLine =
  /Process completed with exit code|A complete log of this run can be found|Lifecycle script `[^`]+` failed|^\s*npm (ERR!|error) (code|errno|syscall|path|command|workspace|location)\b|^\s*npm (ERR!|error)\s*$|Command failed with exit code|ELIFECYCLE|make(\[\d+\])?: \*\*\* .* Error \d+|^\s*error:?\s*$|Did you mean this\?/i;

const isMarker = (line: string) => marker.test(line) && !notAMarker.test(line);

/** Lines around each marker (a few before, a few after), joined by `…` where lines were skipped; the tail wins. */
const excerptAround = (lines: readonly string[], markers: readonly number[]): string | undefined => {
  const keep = new Set<number>();
  for (const index of markers) for (let offset = -2; offset <= 3; offset++) keep.add(index + offset);
  const kept: string[] = [];
  let previous = -1;
  for (let index = 0; index < lines.length; index++) {
    if (!keep.has(index)) continue;
    if (previous >= 0 && index > previous + 1) kept.push('…');
    kept.push(truncateBytes(lines[index] ?? '', 240));
    previous = index;
  }
  const text = kept.join('\n').trim();
  if (text === '') return undefined;
  return byteLength(text) > maxExcerptBytes ? tailBytes(text, maxExcerptBytes) : text;
};

const failureFrom = (
  lines: readonly string[],
  step: string | undefined,
  exitCode: number | null | undefined,
  fallback: FailureKind,
): ParsedFailure | undefined => {
  const markers = lines.flatMap((line, index) => (isMarker(line) ? [index] : []));
  if (markers.length === 0) return undefined;
  const markerLines = markers.map((index) => (lines[index] ?? '').replace(/^\s*##\[error\]/, '').trim());
  const strong = markerLines.find((line) => classifyFailure(line, 'unknown') !== 'unknown' && !summaryLine.test(line));
  const message = strong ?? markerLines.find((line) => !summaryLine.test(line)) ?? markerLines[0] ?? '';
  const logExcerpt = excerptAround(lines, markers);
  const exitHint = exitCode === 124 || exitCode === 127 || exitCode === 137 ? `exit code ${exitCode}` : '';
  return {
    kind: classifyFailure([message, logExcerpt ?? '', exitHint].join('\n'), kindFromName(step) ?? fallback),
    step,
    message: truncateBytes(message, 400),
    logExcerpt,
  };
};

/**
 * The fallback for output no parser recognised: the lines around `error`, `FAIL`, `##[error]`,
 * `panic`, `command not found`, … markers, with the most specific marker line as the message. A
 * GitHub Actions log gives one failure per `##[group]Run …` step that has an `##[error]`. The kind
 * comes from the text when it says (out of memory, a missing module, …), else from what ran (the
 * step, npm's script banner, `hint` from the check's name), else `unknown`.
 */
export const parseGeneric = (text: string, exitCode?: number | null, hint?: FailureKind): ParsedFailure[] => {
  const fallback = kindFromOutput(text) ?? hint ?? 'unknown';
  const lines = text.split('\n');
  const stepStarts = lines.flatMap((line, index) => (/^##\[group\]Run /.test(line) ? [index] : []));
  if (stepStarts.length > 0 && lines.some((line) => line.startsWith('##[error]'))) {
    const failures: ParsedFailure[] = [];
    for (const [position, start] of stepStarts.entries()) {
      const section = lines.slice(start, stepStarts[position + 1] ?? lines.length);
      if (!section.some((line) => line.startsWith('##[error]'))) continue;
      const step = (lines[start] ?? '').replace(/^##\[group\]Run /, '').trim();
      const failure = failureFrom(section, step, undefined, fallback);
      if (failure) failures.push(failure);
    }
    if (failures.length > 0) return failures;
  }
  const failure = failureFrom(lines, undefined, exitCode, fallback);
  return failure ? [failure] : [];
};

// Only the machine giving out, not a test that met a refused connection.
const crash =
  /JavaScript heap out of memory|Reached heap limit|\bOOMKilled\b|No space left on device|\bENOSPC\b|^\s*Killed\s*$|signal: killed/;

/**
 * A crash at the end of a log that a tool's parser would not report: a runner killed for memory
 * or disk after some failures were already printed. Looks at the last lines only.
 */
export const findTrailingCrash = (text: string, lastLines = 40): ParsedFailure | undefined => {
  const lines = text.trimEnd().split('\n').slice(-lastLines);
  const index = lines.findIndex((line) => crash.test(line));
  if (index < 0) return undefined;
  return {
    kind: 'infra',
    message: truncateBytes((lines[index] ?? '').trim(), 400),
    logExcerpt: excerptAround(lines, [index]),
  };
};
