import { AmpoError } from '@ampo/core';

/** "ampo cannot start" and each problem on a line of its own. */
export const cannotStart = (error: unknown): string[] => {
  const problems =
    AmpoError.isInstance(error) && Array.isArray(error.details?.problems)
      ? (error.details.problems as string[])
      : [(error as Error).message];
  return ['ampo cannot start:', ...problems.map((problem) => `  - ${problem}`)];
};
