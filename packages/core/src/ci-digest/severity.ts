import type { FailureSeverity } from '../domain/ci.js';

/**
 * The one rule for every linter and type checker: errors first, then warnings (each failure
 * carries its severity, so the prompt labels it); infos only when nothing else is there. A check
 * fails on its errors; warnings may be why it failed (`--max-warnings 0`) and come after them.
 */
export const orderBySeverity = <T extends { severity?: FailureSeverity | undefined }>(found: readonly T[]): T[] => {
  const errors = found.filter((entry) => entry.severity === 'error');
  const warnings = found.filter((entry) => entry.severity === 'warning');
  if (errors.length + warnings.length === 0) return [...found];
  return [...errors, ...warnings];
};
