import { describe, expect, it } from 'vitest';
import { parseChecksFile } from './checks-file.js';

describe('parseChecksFile', () => {
  it('reads a checks list with names, commands and timeouts', () => {
    const text = [
      '# ampo checks',
      'checks:',
      '  - name: test',
      '    command: node --test',
      '  - name: lint',
      "    command: 'node lint.mjs --strict'",
      '    timeout: 30',
      '',
    ].join('\n');
    expect(parseChecksFile(text)).toEqual([
      { name: 'test', command: 'node --test' },
      { name: 'lint', command: 'node lint.mjs --strict', timeout: 30 },
    ]);
  });

  it('accepts JSON', () => {
    expect(parseChecksFile('{"checks":[{"name":"t","command":"true"}]}')).toEqual([{ name: 't', command: 'true' }]);
  });

  it('names the line it cannot read', () => {
    expect(() => parseChecksFile('checks:\nrun: x\n')).toThrow(/line 2/);
    expect(() => parseChecksFile('checks:\n  - name: only-a-name\n')).toThrow(/command/);
  });
});
