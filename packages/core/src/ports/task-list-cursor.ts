import { AmpoError } from '../errors.js';

/**
 * A position in a task list's newest-first order: the last task of a page. Every store hands out
 * the same cursor, so a client can page through any of them the same way; callers treat it as opaque.
 */
export interface TaskListPosition {
  createdAt: number;
  id: string;
}

// base64url by hand: `Buffer` is not in browsers, and `btoa` alone takes Latin-1 only.
const toBase64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const fromBase64Url = (encoded: string) =>
  new TextDecoder('utf-8', { fatal: true }).decode(
    Uint8Array.from(atob(encoded.replace(/-/g, '+').replace(/_/g, '/')), (character) => character.charCodeAt(0)),
  );

export const encodeTaskListCursor = (position: TaskListPosition): string => toBase64Url(JSON.stringify([position.createdAt, position.id]));

/** The position a cursor names; `invalid-input` for anything a store did not hand out. */
export const decodeTaskListCursor = (cursor: string): TaskListPosition => {
  try {
    const value: unknown = JSON.parse(fromBase64Url(cursor));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {}
  throw new AmpoError('invalid-input', 'The cursor is not one this store handed out.');
};
