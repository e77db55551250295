import type { FailureKind } from '../domain/ci.js';

// The CI machine itself gave out: not something a code change fixes.
const infraPatterns: readonly RegExp[] = [
  /JavaScript heap out of memory|FATAL ERROR: .*(heap|Allocation failed)|Reached heap limit/i,
  /\bout of memory\b|\bOOMKilled\b|Cannot allocate memory|MemoryError\b|memory allocation of \d+ bytes failed/i,
  /Worker (terminated|exited) (due to reaching memory limit|unexpectedly)/i,
  /\bENOSPC\b|No space left on device/i,
  /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ENOTFOUND)\b|getaddrinfo|network is unreachable|Temporary failure in name resolution/i,
  /\bKilled\b\s*$|signal: killed|\bSIGKILL\b|exit(ed)? (with )?(code|status) 137\b/im,
  /The runner has received a shutdown signal|lost communication with the server|The operation was canceled|has exceeded the maximum execution time/i,
  /Cannot connect to the Docker daemon|toomanyrequests|rate limit exceeded/i,
  // A service the check needed was not there: refused, not answering, never ready.
  /\bConnection refused\b|Is the server running on that host|could not connect to (the )?server|\s- no response\s*$|Timed out waiting for|timed out waiting for (the )?(service|server|database|container|port)/im,
  // A registry or mirror failing during install (a missing package, E404, is the code's business).
  /\b(npm (ERR!|error) code) E(5\d\d|TIMEDOUT|CONNRESET|CONNREFUSED|AI_AGAIN|NOTFOUND)\b|\b50[234] (Bad Gateway|Service Unavailable|Gateway Time-?out)\b|socket hang up|Could not resolve host|Temporary failure resolving|Could not connect to \S+ port \d+/i,
  // The check was stopped from outside: `timeout` exits 124, SIGTERM 143 (SIGKILL 137 is above).
  /exit(ed)? (with )?(code|status) (124|143)\b|\bTerminated\s*$/im,
];

// The code could not be built, loaded or installed: missing modules, tools, scripts, syntax.
const buildPatterns: readonly RegExp[] = [
  /Cannot find module|Cannot find package|ERR_MODULE_NOT_FOUND|Failed to load url|Failed to resolve import|Module not found/i,
  /ModuleNotFoundError|ImportError|No module named/,
  /\bnpm ERR!|^npm error\b|\bERR_PNPM_|\byarn (error|ERR)\b|Missing script:/im,
  /command not found|: not found$|exit(ed)? (with )?(code|status) 127\b/im,
  /error\[E\d{4}\]|could not compile `|cannot find (crate|value|type|function|macro)/,
  /\[build failed\]|\[setup failed\]/,
  /^SyntaxError\b|^\s*(Error: )?Transform failed|Unexpected token|ParseError:/m,
];

/**
 * The kind of a failure from its text: `infra` and `build` when a strong signal says so (out of
 * memory, disk full, network; missing modules, tools, scripts, compile errors), else `fallback`
 * (what the parser that found it knows: `test` for a test runner, `lint` for a linter, …).
 */
export const classifyFailure = (text: string, fallback: FailureKind): FailureKind => {
  if (infraPatterns.some((pattern) => pattern.test(text))) return 'infra';
  if (buildPatterns.some((pattern) => pattern.test(text))) return 'build';
  return fallback;
};

/** The `Caused by:` / `[cause]` lines of an error: a fetch that failed says why only there. */
export const causeLines = (lines: readonly string[]): string[] =>
  lines.filter((line) => /^\s*(Caused by:|\[cause\]|cause:|Serialized Error:.*\bcode: ')/.test(line)).map((line) => line.trim());
