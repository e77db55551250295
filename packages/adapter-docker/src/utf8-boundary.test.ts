import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeUtf8Length } from './utf8-boundary.js';

describe('completeUtf8Length', () => {
  it('never cuts a character, whatever the split point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), (text, at) => {
        const bytes = Buffer.from(text);
        const split = bytes.length === 0 ? 0 : at % (bytes.length + 1);
        const head = bytes.subarray(0, split);
        const complete = completeUtf8Length(head);
        expect(complete).toBeLessThanOrEqual(split);
        expect(split - complete).toBeLessThan(4);
        const decoded = head.toString('utf8', 0, complete) + bytes.toString('utf8', complete);
        expect(decoded).toBe(text);
        expect(head.toString('utf8', 0, complete)).not.toContain('\uFFFD');
      }),
    );
  });

  it('keeps whole text whole', () => {
    expect(completeUtf8Length(Buffer.from('ascii'))).toBe(5);
    expect(completeUtf8Length(Buffer.from('🚀'))).toBe(4);
    expect(completeUtf8Length(Buffer.from('🚀').subarray(0, 3))).toBe(0);
  });
});
