const marker = Symbol.for('ampo.error');

/**
 * The closed set of error codes ampo raises. The server maps each code to an HTTP status in one
 * table; adapters map vendor errors onto these codes.
 */
export const ampoErrorCodes = [
  'invalid-input',
  'not-found',
  'conflict',
  'too-large',
  'unsupported-media-type',
  'unauthorized',
  'forbidden',
  'rate-limited',
  'timeout',
  'cancelled',
  'unavailable',
  'runtime-error',
  'image-missing',
  'out-of-memory',
  'source-error',
  'ci-error',
  'agent-error',
  'store-error',
  'schema-too-new',
  'internal',
] as const;

export type AmpoErrorCode = (typeof ampoErrorCodes)[number];

export interface AmpoErrorOptions {
  cause?: unknown;
  /** Whether the same call may succeed if tried again later. Defaults by code. */
  retryable?: boolean;
  /** Extra machine-readable facts (never secrets). */
  details?: Record<string, unknown>;
}

const retryableByDefault: ReadonlySet<AmpoErrorCode> = new Set(['rate-limited', 'timeout', 'unavailable']);

/**
 * The one error class of ampo. Use {@link AmpoError.isInstance} rather than `instanceof`: two
 * copies of `@ampo/core` in one process still recognise each other's errors.
 */
export class AmpoError extends Error {
  readonly code: AmpoErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly [marker] = true;

  constructor(code: AmpoErrorCode, message: string, options: AmpoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AmpoError';
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault.has(code);
    this.details = options.details;
  }

  static isInstance(value: unknown): value is AmpoError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** Wraps anything thrown into an AmpoError, keeping AmpoErrors as they are. */
  static from(value: unknown, code: AmpoErrorCode = 'internal'): AmpoError {
    if (AmpoError.isInstance(value)) return value;
    const message = value instanceof Error ? value.message : String(value);
    return new AmpoError(code, message, { cause: value });
  }

  /** The error as data, for the wire and the event log. */
  toJSON(): { code: AmpoErrorCode; message: string; retryable: boolean; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}
