import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against the packages' sources, so no build is needed before `vitest`.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@ampo\/core\/testing$/, replacement: source('./packages/core/src/testing/index.ts') },
      { find: /^@ampo\/core\/conformance$/, replacement: source('./packages/core/src/conformance/index.ts') },
      { find: /^@ampo\/core\/wire$/, replacement: source('./packages/core/src/wire/index.ts') },
      { find: /^@ampo\/core$/, replacement: source('./packages/core/src/index.ts') },
      { find: /^@ampo\/testkit$/, replacement: source('./packages/testkit/src/index.ts') },
      { find: /^@ampo\/adapter-docker$/, replacement: source('./packages/adapter-docker/src/index.ts') },
      { find: /^@ampo\/adapter-local$/, replacement: source('./packages/adapter-local/src/index.ts') },
      { find: /^@ampo\/adapter-github$/, replacement: source('./packages/adapter-github/src/index.ts') },
      { find: /^@ampo\/store-sqlite$/, replacement: source('./packages/store-sqlite/src/index.ts') },
      { find: /^@ampo\/store-postgres$/, replacement: source('./packages/store-postgres/src/index.ts') },
      { find: /^@ampo\/server$/, replacement: source('./packages/server/src/index.ts') },
      { find: /^@ampo\/react-ui$/, replacement: source('./packages/react-ui/src/index.ts') },
      // `@vitest-environment ampo-dom`: happy-dom with Node's network, for tests that run a server in-process.
      { find: /^vitest-environment-ampo-dom$/, replacement: source('./packages/react-ui/src/test-support/dom-environment.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/*.test.tsx', 'packages/*/test/**/*.test.ts', 'examples/*/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
