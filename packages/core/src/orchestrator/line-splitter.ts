/** Splits streamed text into complete lines, keeping the unfinished rest for the next chunk. */
export const createLineSplitter = () => {
  let rest = '';
  return {
    push(text: string): string[] {
      const parts = (rest + text).split('\n');
      rest = parts.pop() ?? '';
      return parts.map((line) => line.replace(/\r$/, ''));
    },
    /** The last line when the stream ended without a newline. */
    end(): string[] {
      const last = rest;
      rest = '';
      return last.length > 0 ? [last] : [];
    },
  };
};
