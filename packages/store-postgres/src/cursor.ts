import { AmpoError } from '@ampo/core';

/** A position in the newest-first order: the last task of a page. Opaque to callers. */
export interface Cursor {
  createdAt: number;
  id: string;
}

export const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');

export const decodeCursor = (cursor: string): Cursor => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {}
  throw new AmpoError('invalid-input', 'The cursor is not one this store handed out.');
};
