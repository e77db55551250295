const ansiPattern = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*(\u0007|\u001b\\)/g;
const isoTimestampAtLineStart = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z ?/gm;

/** Removes ANSI escapes and leading ISO timestamps (as in GitHub Actions logs). */
export const cleanLogText = (text: string): string =>
  text.replace(ansiPattern, '').replace(isoTimestampAtLineStart, '').replace(/\r\n?/g, '\n');

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const byteLength = (text: string): number => encoder.encode(text).length;

/** The last `maxBytes` bytes of `text`, cut at a line start where possible. One pass, any size. */
export const tailBytes = (text: string, maxBytes: number): string => {
  // Only the last maxBytes characters can matter: each is at least one byte.
  const bytes = encoder.encode(text.length > maxBytes ? text.slice(-maxBytes) : text);
  if (bytes.length <= maxBytes && text.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Skip UTF-8 continuation bytes so no character is cut in half.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  const tail = decoder.decode(bytes.subarray(Math.max(0, start)));
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
