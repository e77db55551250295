const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)/g;
const isoTimestampAtLineStart = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z ?/gm;

/** Removes ANSI escapes and leading ISO timestamps (as in GitHub Actions logs). */
export const cleanLogText = (text: string): string =>
  text.replace(ansiPattern, '').replace(isoTimestampAtLineStart, '').replace(/\r\n?/g, '\n');

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).length;

/** The last `maxBytes` bytes of `text`, cut at a line start where possible. */
export const tailBytes = (text: string, maxBytes: number): string => {
  if (byteLength(text) <= maxBytes) return text;
  let tail = text.slice(-maxBytes);
  while (byteLength(tail) > maxBytes) tail = tail.slice(1);
  const newline = tail.indexOf('\n');
  return newline >= 0 && newline < tail.length - 1 ? tail.slice(newline + 1) : tail;
};

/** The first `maxBytes` bytes of `text`, ending with `…` when cut. */
export const headBytes = (text: string, maxBytes: number): string => {
  if (byteLength(text) <= maxBytes) return text;
  let head = text.slice(0, maxBytes);
  while (byteLength(`${head}…`) > maxBytes) head = head.slice(0, -1);
  return `${head}…`;
};
