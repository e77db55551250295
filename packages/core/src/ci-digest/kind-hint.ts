import type { FailureKind } from '../domain/ci.js';

const byName: ReadonlyArray<[FailureKind, RegExp]> = [
  ['type', /\b(type-?check(ing)?|types|tsc|mypy|pyright|flow)\b/i],
  ['lint', /\b(lint(ing)?|eslint|biome|vet|clippy|fmt|format(ting)?|prettier|style|ruff|rubocop)\b/i],
  // Tests before builds: `make test` runs tests.
  ['test', /\b(tests?|spec|e2e|unit|integration|jest|vitest|mocha|pytest|rspec|phpunit|go test|cargo test|mvn test)\b/i],
  [
    'build',
    /\b(build|compile|bundle|package|dist|esbuild|vite build|webpack|rollup|tsup|make|cargo build|go build|mvn (package|compile))\b/i,
  ],
];

/** What a check, step or script is for, by its name or command (`build`, `npm run typecheck`, `eslint .`). */
export const kindFromName = (name: string | undefined): FailureKind | undefined =>
  name ? byName.find(([, pattern]) => pattern.test(name))?.[0] : undefined;

/**
 * What the output says it was running: npm's `> script` banner and its `Lifecycle script `x`
 * failed` line name the script, and the banner's second line its command.
 */
export const kindFromOutput = (text: string): FailureKind | undefined => {
  const lifecycle = /Lifecycle script `([^`]+)` failed/.exec(text)?.[1];
  const banner = /^> (?:\S*@\S* )?([\w:.-]+)\n> (.+)$/m.exec(text);
  return kindFromName(lifecycle) ?? kindFromName(banner?.[1]) ?? kindFromName(banner?.[2]);
};
