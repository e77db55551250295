import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanLogText } from '../feedback/text.js';
import type { CiTool } from './ci-tool.js';
import { detectTools } from './detect-tools.js';

const fixture = (name: string) => cleanLogText(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

describe('detectTools', () => {
  it.each<[string, CiTool[]]>([
    ['vitest/default.txt', ['vitest']],
    ['vitest/color.txt', ['vitest']],
    ['vitest/unhandled-timeout.txt', ['vitest']],
    ['jest/default.txt', ['jest']],
    ['jest/color.txt', ['jest']],
    ['node-test/spec.txt', ['node-test']],
    ['node-test/tap.txt', ['tap']],
    ['mocha/spec.txt', ['mocha']],
    ['mocha/tap.txt', ['tap']],
    ['pytest/default.txt', ['pytest']],
    ['pytest/collection-error.txt', ['pytest']],
    ['go-test/default.txt', ['go-test']],
    ['go-test/verbose.txt', ['go-test']],
    ['go-test/compile-error.txt', ['go-test']],
    ['cargo-test/default.txt', ['cargo-test']],
    ['cargo-test/compile-error.txt', ['cargo-test']],
    ['tsc/default.txt', ['tsc']],
    ['tsc/pretty.txt', ['tsc']],
    ['eslint/stylish.txt', ['eslint']],
    ['eslint/unix.txt', ['eslint']],
    ['biome/check.txt', ['biome']],
    ['biome/github.txt', ['github-annotations']],
    ['junit/vitest.xml', ['junit-xml']],
    ['junit/pytest.xml', ['junit-xml']],
    ['generic/github-actions.txt', []],
    ['generic/oom.txt', []],
    ['generic/npm-missing-script.txt', []],
  ])('%s → %j', (name, tools) => {
    expect(detectTools(fixture(name))).toEqual(tools);
  });

  it('finds every tool in a check that runs several', () => {
    const combined = [fixture('biome/lint.txt'), fixture('tsc/default.txt'), fixture('vitest/default.txt')].join('\n');
    expect(detectTools(combined)).toEqual(['vitest', 'tsc', 'biome']);
  });
});
