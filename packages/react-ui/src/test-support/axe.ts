import axe from 'axe-core';
import { expect } from 'vitest';

/**
 * Runs axe-core on `element` and fails with each violation's rule, help and offending markup.
 * Colour contrast needs real layout and is checked in the browser tests instead.
 */
export const expectAccessible = async (element: Element) => {
  const results = await axe.run(element, { rules: { 'color-contrast': { enabled: false } }, resultTypes: ['violations'] });
  const problems = results.violations.map(
    (violation) => `${violation.id}: ${violation.help}\n${violation.nodes.map((node) => `  ${node.html}`).join('\n')}`,
  );
  expect(problems, problems.join('\n')).toEqual([]);
};
