/** The longest line kept whole; what a line carries beyond it is dropped up to its newline. */
export const maxLineChars = 4 * 1024 * 1024;

/**
 * Splits streamed text into complete lines, keeping the unfinished rest for the next chunk. Only
 * the new text is searched for a newline, and a line is kept to `maxChars`, so an agent that
 * prints a gigabyte without a newline costs neither quadratic time nor unbounded memory.
 */
export const createLineSplitter = (maxChars = maxLineChars) => {
  let rest = '';
  let cut = false;
  const keep = (piece: string) => {
    if (cut || piece.length === 0) return;
    rest += piece;
    if (rest.length > maxChars) {
      rest = rest.slice(0, maxChars);
      cut = true;
    }
  };
  const finish = (piece: string) => {
    keep(piece);
    const line = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    rest = '';
    cut = false;
    return line;
  };
  return {
    push(text: string): string[] {
      const lines: string[] = [];
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        lines.push(finish(text.slice(start, newline)));
        start = newline + 1;
      }
      keep(text.slice(start));
      return lines;
    },
    /** The last line when the stream ended without a newline. */
    end(): string[] {
      const last = rest;
      rest = '';
      cut = false;
      return last.length > 0 ? [last] : [];
    },
  };
};
