import type { CiFailure, FailureKind } from '../domain/ci.js';

/** What a parser finds: a failure before the check and job it belongs to are known. */
export type ParsedFailure = Omit<CiFailure, 'check' | 'job' | 'kind'> & { kind: FailureKind };

/** Turns cleaned log text (no ANSI, no timestamps, `\n` line ends) into failures. */
export type OutputParser = (text: string) => ParsedFailure[];
