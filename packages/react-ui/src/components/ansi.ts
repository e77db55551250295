/** A run of text with one style, from a line with ANSI SGR escape codes. */
export interface AnsiSpan {
  text: string;
  /** A palette index 0–15 (`--ampo-ansi-N`), or a CSS colour for 256-colour and true-colour codes. */
  foreground?: number | string;
  background?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

type Style = Omit<AnsiSpan, 'text'>;

/** The xterm 256-colour cube and greys past the 16 named colours. */
const color256 = (index: number): number | string => {
  if (index < 16) return index;
  if (index >= 232) {
    const grey = 8 + (index - 232) * 10;
    return `rgb(${grey},${grey},${grey})`;
  }
  const cube = index - 16;
  const level = (value: number) => (value === 0 ? 0 : 55 + value * 40);
  return `rgb(${level(Math.floor(cube / 36))},${level(Math.floor(cube / 6) % 6)},${level(cube % 6)})`;
};

const applyCodes = (style: Style, codes: number[]): Style => {
  let next = { ...style };
  for (let index = 0; index < codes.length; index++) {
    const code = codes[index] as number;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) {
      delete next.bold;
      delete next.dim;
    } else if (code === 23) delete next.italic;
    else if (code === 24) delete next.underline;
    else if (code >= 30 && code <= 37) next.foreground = code - 30;
    else if (code >= 90 && code <= 97) next.foreground = code - 90 + 8;
    else if (code === 39) delete next.foreground;
    else if (code >= 40 && code <= 47) next.background = code - 40;
    else if (code >= 100 && code <= 107) next.background = code - 100 + 8;
    else if (code === 49) delete next.background;
    else if (code === 38 || code === 48) {
      const key = code === 38 ? 'foreground' : 'background';
      if (codes[index + 1] === 5 && codes[index + 2] !== undefined) {
        next[key] = color256(codes[index + 2] as number);
        index += 2;
      } else if (codes[index + 1] === 2 && codes[index + 4] !== undefined) {
        next[key] = `rgb(${codes[index + 2]},${codes[index + 3]},${codes[index + 4]})`;
        index += 4;
      }
    }
  }
  return next;
};

// CSI sequences (colours and cursor moves) and OSC sequences (titles, links).
const escapes = /\u001b\[([0-9;:]*)([A-Za-z])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** Splits a line into styled spans; escape codes other than colours are dropped. */
export const parseAnsi = (line: string): AnsiSpan[] => {
  if (!line.includes('\u001b')) return [{ text: line }];
  const spans: AnsiSpan[] = [];
  let style: Style = {};
  let at = 0;
  for (const match of line.matchAll(escapes)) {
    if (match.index > at) spans.push({ ...style, text: line.slice(at, match.index) });
    at = match.index + match[0].length;
    if (match[2] === 'm') {
      const codes = (match[1] ?? '').split(/[;:]/).map((part) => (part === '' ? 0 : Number(part)));
      style = applyCodes(style, codes);
    }
  }
  if (at < line.length) spans.push({ ...style, text: line.slice(at) });
  return spans;
};

/** Text without escape codes, for copying and searching. */
export const stripAnsi = (line: string): string => line.replace(escapes, '');
