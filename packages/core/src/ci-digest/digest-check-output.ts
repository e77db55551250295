import type { CiFailure, FailureKind } from '../domain/ci.js';
import { cleanLogText } from '../feedback/text.js';
import type { CiTool } from './ci-tool.js';
import { classifyFailure } from './classify-failure.js';
import { detectTools } from './detect-tools.js';
import { failedGithubSteps } from './github-steps.js';
import { kindFromName, kindFromOutput } from './kind-hint.js';
import { tailOfLog, truncateBytes } from './log-lines.js';
import type { OutputParser, ParsedFailure } from './parsed-failure.js';
import { parseBiome } from './parsers/biome.js';
import { parseCargoTest } from './parsers/cargo-test.js';
import { parseEsbuild } from './parsers/esbuild.js';
import { parseEslint } from './parsers/eslint.js';
import { findTrailingCrash, parseGeneric } from './parsers/generic.js';
import { parseGithubAnnotations } from './parsers/github-annotations.js';
import { parseGoTest } from './parsers/go-test.js';
import { parseJest } from './parsers/jest.js';
import { parseJunitXml } from './parsers/junit-xml.js';
import { parseMavenSurefire } from './parsers/maven-surefire.js';
import { parseMochaSpec } from './parsers/mocha-spec.js';
import { parseMypy } from './parsers/mypy.js';
import { parseNodeTestSpec } from './parsers/node-test-spec.js';
import { parsePhpunit } from './parsers/phpunit.js';
import { parsePlaywright } from './parsers/playwright.js';
import { parsePytest } from './parsers/pytest.js';
import { parsePythonUnittest } from './parsers/python-unittest.js';
import { parseRolldown } from './parsers/rolldown.js';
import { parseRollup } from './parsers/rollup.js';
import { parseRspec } from './parsers/rspec.js';
import { parseTap } from './parsers/tap.js';
import { parseTrx } from './parsers/trx.js';
import { parseTsc } from './parsers/tsc.js';
import { parseVitest } from './parsers/vitest.js';
import { parseWebpack } from './parsers/webpack.js';

const parsers: Record<CiTool, OutputParser> = {
  vitest: parseVitest,
  jest: parseJest,
  'node-test': parseNodeTestSpec,
  mocha: parseMochaSpec,
  tap: parseTap,
  pytest: parsePytest,
  'go-test': parseGoTest,
  'cargo-test': parseCargoTest,
  playwright: parsePlaywright,
  rspec: parseRspec,
  phpunit: parsePhpunit,
  'python-unittest': parsePythonUnittest,
  'maven-surefire': parseMavenSurefire,
  tsc: parseTsc,
  mypy: parseMypy,
  eslint: parseEslint,
  biome: parseBiome,
  'github-annotations': parseGithubAnnotations,
  esbuild: parseEsbuild,
  rolldown: parseRolldown,
  rollup: parseRollup,
  webpack: parseWebpack,
  'junit-xml': parseJunitXml,
  trx: parseTrx,
  generic: parseGeneric,
};

export interface DigestCheckOutputInput {
  /** The check's name, as the failures will carry it. */
  check: string;
  job?: string;
  step?: string;
  /** Everything the check printed (stdout and stderr interleaved), or a JUnit XML report. */
  output: string;
  /** 0 means the check passed and yields no failures. Unknown (undefined) is read as failed. */
  exitCode?: number | null;
  /** Skips detection: parse the output as this tool's. */
  tool?: CiTool;
  /** The directory the check ran in: absolute paths below it are made relative. */
  workdir?: string;
  /** @default 262144 (256 KB): only the tail of the log is read. */
  maxLogBytes?: number;
  /** @default 8388608 (8 MB): a JUnit XML report is read whole, up to this size. */
  maxReportBytes?: number;
  /** @default 50 */
  maxFailures?: number;
}

/** Exit codes that mean the check was stopped from outside, not that it found a problem. */
const stoppedBy: Record<number, string> = {
  124: 'stopped by a timeout (`timeout` exits 124)',
  137: 'killed (SIGKILL: the out-of-memory killer or a timeout)',
  143: 'terminated (SIGTERM: a timeout or a cancelled job)',
};

const relativePath = (file: string | undefined, root: string | undefined): string | undefined => {
  if (!file) return undefined;
  let path = file.replace(/^file:\/\//, '');
  if (root && path.startsWith(`${root}/`)) path = path.slice(root.length + 1);
  return path.replace(/^\.\//, '');
};

/** Absolute paths inside the working directory, made relative in free text (messages, excerpts). */
const relativeText = (text: string, root: string | undefined): string =>
  root ? text.replaceAll(`file://${root}/`, '').replaceAll(`${root}/`, '') : text;

// Two tools (say a reporter and a JUnit file) naming the same test at the same place are one failure.
const identity = (failure: ParsedFailure) =>
  [failure.kind, failure.test ?? '', failure.file ?? '', failure.line ?? '', failure.test ? '' : failure.message.trim()].join('\u0000');

const runParser = (tool: CiTool, text: string, exitCode: number | null | undefined, hint: FailureKind | undefined): ParsedFailure[] => {
  try {
    return tool === 'generic' ? parseGeneric(text, exitCode, hint) : parsers[tool](text);
  } catch {
    // A parser tripping over unexpected output must not cost the digest: the fallback still runs.
    return [];
  }
};

/** Detection, the tools' parsers, then the generic fallback or a trailing crash. */
const parseText = (
  text: string,
  tool: CiTool | undefined,
  isReport: boolean,
  exitCode: number | null | undefined,
  hint: FailureKind | undefined,
): ParsedFailure[] => {
  const report: CiTool = /<TestRun[\s>]/.test(text.slice(0, 4096)) ? 'trx' : 'junit-xml';
  const tools = tool ? [tool] : isReport ? [report] : detectTools(text);
  const parsed = tools.flatMap((each) => runParser(each, text, exitCode, hint));
  if (parsed.length === 0) return tool === 'generic' ? [] : runParser('generic', text, exitCode, hint);
  const crash = isReport || parsed.some((failure) => failure.kind === 'infra') ? undefined : findTrailingCrash(text);
  return crash ? [...parsed, crash] : parsed;
};

/**
 * Turns what a failed check printed into precise `CiFailure`s: it strips ANSI codes and
 * timestamps, keeps the tail of long logs, detects the tools in the output (or uses `tool`),
 * parses each tool's failures (file, line, test, message, kind, a short excerpt), falls back to
 * the lines around error markers, and deduplicates. A passed check (exit code 0) yields none; a
 * failed check always yields at least one.
 */
export const digestCheckOutput = (input: DigestCheckOutputInput): CiFailure[] => {
  if (input.exitCode === 0) return [];
  // What the check or step is named for (`build`, `typecheck`) gives a kind to what no parser knows.
  const hint = kindFromName(input.step) ?? kindFromName(input.check);
  const maxLogBytes = input.maxLogBytes ?? 256 * 1024;
  // A report is a document, not a log: its failures may sit anywhere, so its head is what counts.
  const isReport =
    input.tool === 'junit-xml' || input.tool === 'trx' || /^\s*(<\?xml|<testsuites?[\s>]|<TestRun[\s>])/.test(input.output.slice(0, 512));
  // ANSI codes can triple a log's size: cut generously before cleaning, exactly after.
  const text = isReport
    ? input.output.slice(0, input.maxReportBytes ?? 8 * 1024 * 1024)
    : tailOfLog(cleanLogText(input.output.slice(-maxLogBytes * 4)), maxLogBytes);
  // In a GitHub Actions job log, each failed step is read on its own and named on its failures.
  const steps = isReport || input.tool ? [] : failedGithubSteps(text);
  let parsed =
    steps.length > 0
      ? steps.flatMap(({ step, text: stepText }) =>
          parseText(stepText, undefined, false, input.exitCode, kindFromName(step) ?? hint).map((failure) => ({
            ...failure,
            step: failure.step ?? step,
          })),
        )
      : parseText(text, input.tool, isReport, input.exitCode, hint);
  if (parsed.length === 0) {
    const lastLines = text.trimEnd().split('\n').slice(-15).join('\n').trim();
    const exit = typeof input.exitCode === 'number' ? `exited with code ${input.exitCode}` : 'failed';
    const why = stoppedBy[input.exitCode ?? -1];
    parsed = [
      {
        kind: classifyFailure(`${lastLines}\n${why ? `exit code ${input.exitCode}` : ''}`, kindFromOutput(text) ?? hint ?? 'unknown'),
        message: why ? `${exit}: ${why}` : lastLines === '' ? `${exit} and printed nothing` : `${exit}; no error marker in its output`,
        logExcerpt: lastLines === '' ? undefined : truncateBytes(lastLines, 1000),
      },
    ];
  }
  const root = input.workdir?.replace(/\/+$/, '') || undefined;
  const seen = new Set<string>();
  const failures: CiFailure[] = [];
  for (const failure of parsed) {
    const normalised = {
      ...failure,
      file: relativePath(failure.file, root),
      testFile: relativePath(failure.testFile, root),
      message: relativeText(failure.message, root),
      logExcerpt: failure.logExcerpt === undefined ? undefined : relativeText(failure.logExcerpt, root),
    };
    const key = identity(normalised);
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push({
      check: input.check,
      ...(input.job !== undefined ? { job: input.job } : {}),
      ...((input.step ?? failure.step) !== undefined ? { step: input.step ?? failure.step } : {}),
      kind: normalised.kind,
      ...(normalised.severity ? { severity: normalised.severity } : {}),
      ...(normalised.test ? { test: normalised.test } : {}),
      ...(normalised.file ? { file: normalised.file } : {}),
      ...(normalised.line ? { line: normalised.line } : {}),
      ...(normalised.testFile && normalised.testFile !== normalised.file ? { testFile: normalised.testFile } : {}),
      ...(normalised.testFile && normalised.testLine ? { testLine: normalised.testLine } : {}),
      message: normalised.message,
      ...(normalised.logExcerpt ? { logExcerpt: normalised.logExcerpt } : {}),
    });
    if (failures.length >= (input.maxFailures ?? 50)) break;
  }
  return failures;
};
