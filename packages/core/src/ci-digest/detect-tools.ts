import type { CiTool } from './ci-tool.js';

/** What each tool's output looks like: any one signature is enough. Tested on cleaned text. */
const signatures: ReadonlyArray<[CiTool, ReadonlyArray<RegExp | ((text: string) => boolean)>]> = [
  ['vitest', [/^\s*RUN\s+v\d+\.\d+\.\d+ /m, /^\s*Test Files\s+\d+ (failed|passed)/m, /⎯{2,} Failed (Tests|Suites) \d+ ⎯{2,}/]],
  ['jest', [/^Test Suites:\s+\d+ (failed|passed)/m, /^\s{2}● .+ › /m, /^\s{2}● Test suite failed to run/m]],
  ['node-test', [/^ℹ (tests|fail) \d+$/m, /^✖ failing tests:$/m]],
  ['mocha', [/^\s+\d+ passing \(\d+m?s\)$/m, /^\s+\d+ failing$/m]],
  ['tap', [/^TAP version \d+$/m, (text) => /^\s*not ok \d+\b/m.test(text) && /^\s*1\.\.\d+$/m.test(text)]],
  ['pytest', [/^=+ (test session starts|FAILURES|ERRORS|short test summary info) =+$/m, /^(FAILED|ERROR) \S+\.py(::\S+)?( - .*)?$/m]],
  ['go-test', [/^\s*--- FAIL: \S+ \(/m, /^FAIL\t\S+/m, /^panic: .*\n(\s*panic: .*\n)?\ngoroutine \d+ \[/m, /^# \S+\n\S+\.go:\d+:\d+: /m]],
  [
    'cargo-test',
    [/^test result: FAILED\./m, /^---- \S+ stdout ----$/m, /^error(\[E\d+\])?: .*\n\s*--> \S+:\d+:\d+$/m, /^error: could not compile `/m],
  ],
  ['playwright', [/^\s{2}\d+\) (\[[^\]]+\] › )?\S+:\d+:\d+ › .+/m]],
  ['rspec', [/^\d+ examples?, \d+ failures?/m, /^Failed examples:$/m, /^An error occurred while loading \S+/m]],
  ['phpunit', [/^There (was|were) \d+ (errors?|failures?):$/m, /^PHPUnit \d+\.\d+\.\d+ by Sebastian Bergmann/m]],
  ['python-unittest', [/^={50,}\n(ERROR|FAIL): \S+ \([\w.]+\)$/m]],
  ['maven-surefire', [/<<< (FAILURE|ERROR)!$/m, /^\[ERROR\] \S+\.(java|kt):\[\d+,\d+\] /m]],
  ['tsc', [/^\S.*\(\d+,\d+\): error TS\d+: /m, /^\S.*:\d+:\d+ - error TS\d+: /m, /^error TS\d+: /m]],
  ['mypy', [/^\S+\.pyi?:\d+(:\d+)?: (error|note): /m, /^Found \d+ errors? in \d+ files? \(checked \d+ source files?\)$/m]],
  [
    'eslint',
    [/^\s+\d+:\d+\s+(error|warning)\s+.+$/m, /:\d+:\d+: .+ \[(Error|Warning)(\/[^\]]+)?\]$/m, /: line \d+, col \d+, (Error|Warning) - /m],
  ],
  ['biome', [/^\S+?(:\d+:\d+)? ((lint|assist|syntax)\/\S+|format|parse|organizeImports)(\s+[A-Z]+)*\s+━{3,}$/m]],
  ['esbuild', [/^\s*✘ \[ERROR\] /m, /^\S+:\d+:\d+: ERROR: /m]],
  ['rolldown', [/^\s*╭─\[\s*\S+:\d+:\d+\s*\]\s*$/m]],
  ['rollup', [/^\[!\] (\(plugin [^)]+\) )?\w*Error: /m]],
  ['webpack', [/^ERROR in \S+/m]],
  ['github-annotations', [/^::(error|warning|notice)( [^:]*)?::/m]],
  ['junit-xml', [(text) => /<testsuites?[\s>]/.test(text) && /<testcase[\s>/]/.test(text)]],
  ['trx', [(text) => /<TestRun[\s>]/.test(text) && /<UnitTestResult[\s>/]/.test(text)]],
];

/**
 * The tools whose output appears in `text`, in a fixed order. A check that runs several tools
 * (`biome check && tsc && vitest run`) yields several; an empty list means the generic fallback.
 */
export const detectTools = (text: string): CiTool[] =>
  signatures
    .filter(([, patterns]) => patterns.some((pattern) => (typeof pattern === 'function' ? pattern(text) : pattern.test(text))))
    .map(([tool]) => tool);
