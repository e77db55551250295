import { defineConfig } from 'tsup';

/** The one build of every package: ESM with declarations for Node 20. */
export const packageBuild = (entry: string[] = ['src/index.ts']) =>
  defineConfig({ entry, format: ['esm'], dts: true, sourcemap: true, clean: true, target: 'node20' });
