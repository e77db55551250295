/**
 * A tiny Node project whose checks run in the offline worker image (Node 18, no npm packages):
 * `node --test` for tests and a small lint script that reports in ESLint's stylish format.
 */
export const sampleProject = {
  '.ampo/checks.yml': [
    'checks:',
    '  - name: test',
    '    command: node --test test/',
    '  - name: lint',
    '    command: node scripts/lint.mjs src',
    '',
  ].join('\n'),
  'scripts/lint.mjs': `import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// A stand-in for ESLint's no-var rule, printing ESLint's stylish format.
const dir = process.argv[2] ?? 'src';
let problems = 0;
for (const name of readdirSync(dir)) {
  const file = resolve(join(dir, name));
  const found = readFileSync(file, 'utf8').split('\\n').flatMap((line, index) => (/\\bvar\\s/.test(line) ? [[index + 1, line.indexOf('var') + 1]] : []));
  if (found.length === 0) continue;
  console.log(file);
  for (const [line, column] of found) console.log(\`  \${line}:\${column}  error  Unexpected var, use let or const instead  no-var\`);
  problems += found.length;
}
if (problems > 0) {
  console.log(\`\\n✖ \${problems} problem\${problems === 1 ? '' : 's'} (\${problems} error\${problems === 1 ? '' : 's'}, 0 warnings)\`);
  process.exit(1);
}
`,
  'src/sum.js': 'export const sum = (a, b) => a + b;\n',
  'test/sum.test.js': `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sum } from '../src/sum.js';

test('sum adds two numbers', () => {
  assert.equal(sum(1, 2), 3);
});
`,
  'package.json': '{ "name": "sample", "type": "module", "private": true }\n',
};

/** The agent's first, broken attempt: a wrong sum and a `var`. */
export const brokenChange = { 'src/sum.js': 'var offset = 1;\nexport const sum = (a, b) => a + b + offset;\n' };
/** The fix. */
export const fixedChange = { 'src/sum.js': 'const offset = 0;\nexport const sum = (a, b) => a + b + offset;\n' };

/**
 * What the scripted agent does with the sample project: first the broken change, then, once the
 * CI feedback arrives in the same thread, the fix.
 */
export const sampleScenario = {
  steps: [
    {
      name: 'fix-from-ci-feedback',
      when: 'CI failed',
      files: fixedChange,
      messages: ['[scripted agent] Read the CI feedback: fixed the offset that broke the test and replaced var with const.'],
    },
    {
      name: 'first-attempt',
      files: brokenChange,
      messages: ['[scripted agent] Added an offset to sum.'],
    },
  ],
};
