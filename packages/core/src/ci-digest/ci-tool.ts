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
  'tsc',
  'eslint',
  'biome',
  'github-annotations',
  'junit-xml',
  'generic',
]);
export type CiTool = z.infer<typeof CiTool>;
