/**
 * PostgreSQL's text and JSONB cannot hold U+0000, which agent output may contain. Strings are
 * stored with NUL as `ESC 0` and ESC itself as `ESC ESC` (ESC = U+F8FF, a private-use character),
 * so every string round-trips exactly; strings without either character are stored as they are.
 */
const escapeMark = '\uF8FF';
const needsEscape = /[\u0000\uF8FF]/;

export const encodeText = (text: string): string =>
  needsEscape.test(text)
    ? text.replace(/[\u0000\uF8FF]/g, (char) => (char === '\u0000' ? `${escapeMark}0` : `${escapeMark}${escapeMark}`))
    : text;

export const decodeText = (text: string): string =>
  text.includes(escapeMark) ? text.replace(/\uF8FF([\uF8FF0])/g, (_, char: string) => (char === '0' ? '\u0000' : escapeMark)) : text;

const encodeStrings = (_key: string, value: unknown) => (typeof value === 'string' ? encodeText(value) : value);
const decodeStrings = (_key: string, value: unknown) => (typeof value === 'string' ? decodeText(value) : value);

/** JSON text for a JSONB parameter. */
export const toJsonText = (value: unknown): string => {
  const json = JSON.stringify(value);
  // JSON.stringify writes NUL as the escape `\u0000`; the private-use mark appears as itself.
  return json.includes('\\u0000') || json.includes(escapeMark) ? JSON.stringify(value, encodeStrings) : json;
};

/** Parses JSONB read as text (`column::text`), undoing {@link toJsonText}. */
export const fromJsonText = <T>(json: string): T => (json.includes(escapeMark) ? JSON.parse(json, decodeStrings) : JSON.parse(json)) as T;
