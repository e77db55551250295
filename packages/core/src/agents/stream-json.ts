/** Lenient readers for the line-delimited JSON that agent CLIs print. Vendor payloads: read minimally. */

export type JsonObject = Record<string, unknown>;

export const asObject = (value: unknown): JsonObject | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;

export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A finite, non-negative number, or undefined. */
export const asCount = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

/** A token count: a non-negative safe integer (fractions rounded down), or undefined. */
export const asTokens = (value: unknown): number | undefined => {
  const count = asCount(value);
  return count !== undefined && Number.isSafeInteger(Math.floor(count)) ? Math.floor(count) : undefined;
};

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Parses one stdout line as a JSON object; anything else (text, arrays, broken JSON) is undefined. */
export const parseJsonLine = (line: string): JsonObject | undefined => {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    return asObject(JSON.parse(trimmed));
  } catch {
    return undefined;
  }
};

/** Events are stored and sent to browsers: long tool inputs and outputs are cut, with a marker. */
export const clip = (text: string, maxChars: number): string =>
  text.length <= maxChars ? text : `${text.slice(0, maxChars)}… [${text.length - maxChars} more characters]`;

export const describeJson = (value: unknown, maxChars: number): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return clip(value, maxChars);
  try {
    return clip(JSON.stringify(value), maxChars);
  } catch {
    return undefined;
  }
};

/** Limits for what one event may carry. */
export const eventLimits = {
  text: 20_000,
  toolInput: 2_000,
  toolOutput: 4_000,
  notice: 500,
} as const;
