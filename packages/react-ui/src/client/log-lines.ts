import type { LogChunk, LogStream } from '@ampo/core/wire';

/** One line of a task's log, as the reader sees it. */
export interface LogLine {
  /** 1-based line number. */
  number: number;
  /** The seq of the chunk the line started in. */
  seq: number;
  stream: LogStream;
  source?: string;
  text: string;
}

/** A carriage return redraws the line (progress bars): keep what was drawn last. */
const redraw = (text: string) => {
  const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
  const at = trimmed.lastIndexOf('\r');
  return at < 0 ? trimmed : trimmed.slice(at + 1);
};

/**
 * Turns log chunks into lines. Chunks are pieces of a stream, cut anywhere: a chunk without a
 * trailing newline leaves its last line open, and the next chunk of the same stream and source
 * continues it. `lines` only grows (an open line is replaced by its longer self), so a reader
 * holding `count` sees a consistent prefix.
 */
export const createLogLines = () => {
  const lines: LogLine[] = [];
  const openLines = new Map<string, number>();
  return {
    lines: lines as readonly LogLine[],
    push(chunk: LogChunk) {
      const key = `${chunk.stream}\u0000${chunk.source ?? ''}`;
      const parts = chunk.text.split('\n');
      parts.forEach((part, index) => {
        const last = index === parts.length - 1;
        const openAt = index === 0 ? openLines.get(key) : undefined;
        if (openAt !== undefined) {
          const line = lines[openAt] as LogLine;
          lines[openAt] = { ...line, text: redraw(line.text + part) };
          return;
        }
        if (last && part === '') return;
        lines.push({
          number: lines.length + 1,
          seq: chunk.seq,
          stream: chunk.stream,
          ...(chunk.source ? { source: chunk.source } : {}),
          text: redraw(part),
        });
      });
      const tail = parts[parts.length - 1];
      if (tail === '') openLines.delete(key);
      else if (parts.length > 1 || !openLines.has(key)) openLines.set(key, lines.length - 1);
    },
  };
};
