import { describe, expect, it } from 'vitest';
import { byteLength } from '../feedback/text.js';
import { assertionMessage, firstUserFrame, tailOfLog, truncateBytes } from './log-lines.js';

describe('log lines', () => {
  it('tailOfLog keeps at most the byte budget, from a line start, multibyte text included', () => {
    const text = Array.from({ length: 2000 }, (_, index) => `⎯⎯ line ${index} ✓ é`).join('\n');
    const tail = tailOfLog(text, 1000);
    expect(byteLength(tail)).toBeLessThanOrEqual(1000);
    expect(tail.endsWith('line 1999 ✓ é')).toBe(true);
    expect(tail.startsWith('⎯⎯ line ')).toBe(true);
    expect(tailOfLog('short', 1000)).toBe('short');
  });

  it('truncateBytes cuts on a character boundary and marks the cut', () => {
    const cut = truncateBytes('é'.repeat(100), 21);
    expect(cut.endsWith('…')).toBe(true);
    expect(byteLength(cut)).toBeLessThanOrEqual(21);
    expect(truncateBytes('fits', 10)).toBe('fits');
  });

  it('firstUserFrame skips runtime and dependency frames', () => {
    expect(
      firstUserFrame([
        '    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
        '    at Resolver._throwModNotFoundError (../node_modules/jest-resolve/build/index.js:1031:11)',
        '    at Object.require (test/checkout.test.js:1:22)',
      ]),
    ).toEqual({ file: 'test/checkout.test.js', line: 1 });
  });

  it('assertionMessage keeps the headline and the changed lines of a diff', () => {
    expect(
      assertionMessage(['AssertionError: deep-equal:', '+ actual - expected', '  {', "+   'b'", "-   'c'", '  }', '    at x (a.js:1:1)']),
    ).toBe("AssertionError: deep-equal:\n+   'b'\n-   'c'");
  });
});
