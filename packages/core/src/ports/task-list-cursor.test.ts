import { describe, expect, it } from 'vitest';
import { decodeTaskListCursor, encodeTaskListCursor } from './task-list-cursor.js';

describe('task list cursors', () => {
  it('round-trip a position, whatever characters the id holds', () => {
    for (const position of [
      { createdAt: 1_700_000_000_000, id: 't-abc' },
      { createdAt: 0, id: 'ünïcödé-✓-任务' },
    ]) {
      const cursor = encodeTaskListCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeTaskListCursor(cursor)).toEqual(position);
    }
  });

  it('read the cursors the stores handed out before they shared this code', () => {
    const fromBuffer = Buffer.from(JSON.stringify([42, 't-1'])).toString('base64url');
    expect(decodeTaskListCursor(fromBuffer)).toEqual({ createdAt: 42, id: 't-1' });
  });

  it('reject what no store handed out', () => {
    for (const cursor of ['', 'not base64!', encodeTaskListCursor({ createdAt: 1, id: 'x' }).slice(0, -3), btoa('[1]'), btoa('{"a":1}')]) {
      expect(() => decodeTaskListCursor(cursor)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    }
  });
});
