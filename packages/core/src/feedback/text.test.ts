import { describe, expect, it } from 'vitest';
import { byteLength, cleanLogText, tailBytes } from './text.js';

describe('tailBytes', () => {
  it('returns short text unchanged', () => {
    expect(tailBytes('a\nb', 10)).toBe('a\nb');
  });

  it('keeps the last lines within the byte budget, never splitting a character', () => {
    const text = Array.from({ length: 2000 }, (_, index) => `ligne ${index} — é€😀`).join('\n');
    const tail = tailBytes(text, 1000);
    expect(byteLength(tail)).toBeLessThanOrEqual(1000);
    expect(tail.endsWith('ligne 1999 — é€😀')).toBe(true);
    expect(tail.startsWith('ligne ')).toBe(true);
    expect(tail).not.toContain('\uFFFD');
  });

  it('handles megabytes of multi-byte text in one pass', () => {
    const text = '€'.repeat(3_000_000);
    const tail = tailBytes(text, 64 * 1024);
    expect(byteLength(tail)).toBeLessThanOrEqual(64 * 1024);
    expect(tail.length).toBe(Math.floor((64 * 1024) / 3));
  });
});

describe('cleanLogText', () => {
  it('strips ANSI escapes, leading timestamps and carriage returns', () => {
    expect(cleanLogText('2026-01-02T03:04:05.1234567Z \u001b[31mred\u001b[0m\r\nnext')).toBe('red\nnext');
  });
});
