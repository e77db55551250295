import type { CiConclusion, CiFailure } from '../domain/ci.js';
import { cleanLogText } from './text.js';

/**
 * Normalises a failure message so that two runs of the same failure compare equal: durations,
 * hex addresses, timestamps and whitespace differences do not count.
 */
export const normaliseMessage = (message: string): string =>
  cleanLogText(message)
    .toLowerCase()
    .replace(/\b0x[0-9a-f]+\b/g, '0x?')
    .replace(/\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}(\.\d+)?z?/g, '<time>')
    .replace(/\b\d+(\.\d+)?\s?(ms|s|sec|seconds|m)\b/g, '<duration>')
    .replace(/\s+/g, ' ')
    .trim();

const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
};

/**
 * A short fingerprint of how CI failed: the failing checks, tests and normalised messages,
 * order-independent. File lines are left out on purpose: an edit above a still-failing assertion
 * moves it without changing the failure.
 */
export const failureSignature = (conclusion: CiConclusion, failures: readonly CiFailure[]): string => {
  const entries = [
    ...new Set(failures.map((failure) => [failure.check, failure.test ?? '', normaliseMessage(failure.message)].join('|'))),
  ].sort();
  return fnv1a(`${conclusion}\n${entries.join('\n')}`);
};
