import { z } from 'zod';

/** The tools whose output `digestCheckOutput` reads; `generic` is the marker-based fallback. */
export const CiTool = z.enum([
  'vitest',
  'jest',
  'node-test',
  'mocha',
  'tap',
  'pytest',
  'go-test',
  'cargo-test',
  'playwright',
  'rspec',
  'phpunit',
  'python-unittest',
  'maven-surefire',
  'tsc',
  'mypy',
  'eslint',
  'biome',
  'github-annotations',
  'esbuild',
  'rolldown',
  'rollup',
  'webpack',
  'junit-xml',
  'trx',
  'generic',
]);
export type CiTool = z.infer<typeof CiTool>;
