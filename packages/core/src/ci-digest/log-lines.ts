import { byteLength } from '../feedback/text.js';

/** @default bounds for one failure: short enough that several fit a 4 KB prompt. */
export const maxMessageBytes = 400;
export const maxMessageLines = 4;
export const maxExcerptBytes = 800;
export const maxExcerptLines = 14;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes from its start, ending with `…` when cut. */
export const truncateBytes = (text: string, maxBytes: number): string => {
  if (byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > maxBytes - 3) break;
    bytes += size;
    end += char.length;
  }
  return `${text.slice(0, end)}…`;
};

const utf8Size = (code: number): number => (code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3);

/**
 * The last `maxBytes` UTF-8 bytes of `text`, starting at a line start when one is in reach. Linear
 * in the size of the tail, so it is safe on logs of any length.
 */
export const tailOfLog = (text: string, maxBytes: number): string => {
  let bytes = 0;
  let start = text.length;
  while (start > 0) {
    const size = utf8Size(text.charCodeAt(start - 1));
    if (bytes + size > maxBytes) break;
    bytes += size;
    start--;
  }
  if (start === 0) return text;
  const newline = text.indexOf('\n', start);
  return newline >= 0 && newline < text.length - 1 ? text.slice(newline + 1) : text.slice(start);
};

/** Removes the indentation all non-blank lines share. */
export const dedent = (lines: readonly string[]): string[] => {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common));
};

const trimBlankEdges = (lines: readonly string[]): string[] => {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]?.trim() === '') start++;
  while (end > start && lines[end - 1]?.trim() === '') end--;
  return lines.slice(start, end);
};

/** A short message from the first meaningful lines: blank lines dropped, at most a few lines. */
export const compactMessage = (lines: readonly string[], maxLines = maxMessageLines): string =>
  truncateBytes(
    lines
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .slice(0, maxLines)
      .join('\n'),
    maxMessageBytes,
  );

/**
 * The message of a failed assertion: its first line, then the changed lines of a diff when there
 * is one (`+ actual` / `- expected` rows), else the next lines. Stops at the stack.
 */
export const assertionMessage = (lines: readonly string[], maxLines = 3): string => {
  const untilStack: string[] = [];
  for (const line of lines) {
    if (/^\s*at\s/.test(line)) break;
    // Brackets alone and diff legends (`+ actual - expected`) say nothing on their own.
    if (line.trim() !== '' && !/^\s*[{}[\]]+,?\s*$|^\s*\+ (actual|expected) - (actual|expected)\s*$/.test(line)) untilStack.push(line);
  }
  const [first, ...rest] = untilStack;
  if (first === undefined) return '';
  const changed = [...new Set(rest.filter((line) => /^\s*[+-]\s{2,}\S/.test(line)).map((line) => line.trim()))];
  return compactMessage([first, ...(changed.length > 0 ? changed : rest)], maxLines);
};

/** Frames of test-runner and language internals: noise in an excerpt meant for a prompt. */
const internalFrame =
  /^\s*(at\s+)?.*(node:internal|node_modules[/\\]|node:async_hooks|<anonymous>\)?$|\(index \d+\)$|\/usr\/(local\/)?lib\/go|\/rustc\/[0-9a-f]+\/|\/src\/(runtime|testing)\/\w+\.go|site-packages[/\\]_pytest)/;

/**
 * The head of one failure's block, dedented, without internal stack frames, capped in lines and
 * bytes. The head holds the error and the code frame; the tail of a block is mostly stack.
 */
export const makeExcerpt = (lines: readonly string[], maxLines = maxExcerptLines): string | undefined => {
  const kept = trimBlankEdges(dedent(lines.filter((line) => !internalFrame.test(line))));
  const collapsed: string[] = [];
  for (const line of kept) if (!(line.trim() === '' && collapsed.at(-1)?.trim() === '')) collapsed.push(line.trimEnd());
  let excerpt = collapsed.slice(0, maxLines);
  while (excerpt.length > 1 && byteLength(excerpt.join('\n')) > maxExcerptBytes) excerpt = excerpt.slice(0, -1);
  const text = excerpt.map((line) => truncateBytes(line, 240)).join('\n');
  return text === '' ? undefined : text;
};

/** Whether a path from a stack frame is the project's own code (not a runtime or a dependency). */
export const isUserPath = (path: string): boolean =>
  !/^(node:|internal\/|<anonymous>|native$|\[eval\])|node_modules[/\\]|^\/usr\/(local\/)?lib\/go|\/rustc\/|\/src\/(runtime|testing)\/[\w]+\.go$|site-packages[/\\]|dist-packages[/\\]|^\/(usr|opt)\/(.*\/)?lib\/python|^\/usr\/(lib|share)\/(ruby|php)\/|[/\\]gems[/\\]|[/\\]vendor[/\\](bundle|phpunit)[/\\]/.test(
    path,
  );

/** Parses a positive line number; anything else is undefined. */
export const lineNumber = (text: string | undefined): number | undefined => {
  const value = text === undefined ? Number.NaN : Number.parseInt(text, 10);
  return Number.isInteger(value) && value > 0 ? value : undefined;
};

/** `file:line:col` inside a JavaScript stack frame (`at fn (file:1:2)`, `at file:1:2`, TAP `fn (file:1:2)`). */
const jsFrame =
  /(?:^|\s|\()(?:file:\/\/)?((?:\/|\.{1,2}\/|[\w@-])[^\s():]*\.[cm]?[jt]sx?|(?:\/|\.{1,2}\/|[\w@-])[^\s():]*\.(?:vue|svelte)):(\d+):(\d+)\)?\s*$/;
/** vitest's `❯ file:line:col` or `❯ fn file:line:col`. */
const vitestFrame = /❯\s+(?:\S+\s+)?(?:file:\/\/)?([^\s:]+):(\d+):(\d+)\s*$/;

export interface SourceLocation {
  file: string;
  line?: number | undefined;
}

/** The frames in user code among JavaScript stack lines (V8, vitest and node TAP styles), innermost first. */
export const userFrames = (lines: readonly string[]): SourceLocation[] => {
  const frames: SourceLocation[] = [];
  for (const line of lines) {
    const match = vitestFrame.exec(line) ?? (/^\s*(at\s|\S+\s\(|\/|\.\/)/.test(line) ? jsFrame.exec(line) : null);
    if (match?.[1] && isUserPath(match[1])) frames.push({ file: match[1], line: lineNumber(match[2]) });
  }
  return frames;
};

/** The first frame in user code among JavaScript stack lines. */
export const firstUserFrame = (lines: readonly string[]): SourceLocation | undefined => userFrames(lines)[0];
