import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './line-splitter.js';

describe('the line splitter of agent output', () => {
  it('splits chunks into lines, across chunk boundaries, without carriage returns', () => {
    const lines = createLineSplitter();
    expect(lines.push('{"a":1}\r\n{"b"')).toEqual(['{"a":1}']);
    expect(lines.push(':2}\n\nlast')).toEqual(['{"b":2}', '']);
    expect(lines.end()).toEqual(['last']);
    expect(lines.end()).toEqual([]);
  });

  it('keeps a line to its limit and drops the rest up to the newline, then splits as before', () => {
    const lines = createLineSplitter(10);
    expect(lines.push('0123456789abc')).toEqual([]);
    expect(lines.push('def\nnext\n')).toEqual(['0123456789', 'next']);
  });

  // Found by the soak's faults section: an agent printing one endless line (broken JSON, no
  // newline) made every chunk re-scan and copy the whole line so far.
  it('takes 200 MB without a newline in 64 KB chunks in linear time and bounded memory', () => {
    const lines = createLineSplitter();
    const chunk = '{"a":'.repeat(13_107);
    const started = performance.now();
    for (let index = 0; index < 3_200; index++) expect(lines.push(chunk)).toEqual([]);
    const [line] = lines.push('}\n');
    expect(line).toHaveLength(4 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(lines.push('{"type":"result"}\n')).toEqual(['{"type":"result"}']);
  });
});
