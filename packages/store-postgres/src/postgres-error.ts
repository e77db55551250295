import { AmpoError } from '@ampo/core';

interface PgErrorShape {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  message?: unknown;
}

const shape = (error: unknown): PgErrorShape => (typeof error === 'object' && error !== null ? (error as PgErrorShape) : {});

/** The SQLSTATE of a server error, or a Node error code (ECONNREFUSED, …). */
export const errorCode = (error: unknown): string | undefined => {
  const code = shape(error).code;
  return typeof code === 'string' ? code : undefined;
};

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** The connection broke or the server is going away: trying again later may work. */
export const isConnectionError = (error: unknown): boolean => {
  const code = errorCode(error) ?? '';
  if (connectionCodes.has(code)) return true;
  // 08: connection exception; 57P0x: the server shuts down or ended this session; 53300: too many connections.
  if (/^08|^57P0|^53300$/.test(code)) return true;
  const message = String(shape(error).message ?? '');
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    message,
  );
};

/**
 * Turns whatever pg threw into an AmpoError that says what to do. `doing` completes "while …".
 * The store's own raises (AMP01..03) become `conflict`; so do unique violations and the
 * serialization failures of concurrent writers.
 */
export const toStoreError = (error: unknown, doing: string): AmpoError => {
  if (AmpoError.isInstance(error)) return error;
  const code = errorCode(error) ?? '';
  const { constraint, detail } = shape(error);
  const message = error instanceof Error ? error.message : String(error);
  const details = code ? { sqlState: code } : {};
  if (code === 'AMP01') {
    return new AmpoError('conflict', message, { cause: error, details: { ...details, lastSeq: Number(detail) } });
  }
  if (code === 'AMP02') return new AmpoError('conflict', message, { cause: error, details: { ...details, fenced: true } });
  if (code === 'AMP03' || (code === '23505' && constraint === 'tasks_idempotency_key')) {
    const key = code === 'AMP03' ? String(detail) : /=\((.*)\)/.exec(String(detail ?? ''))?.[1];
    return new AmpoError('conflict', `Another task was already created with idempotency key ${key}.`, {
      cause: error,
      details: { ...details, idempotencyKey: key },
    });
  }
  if (code === '23505' || code === '40001' || code === '40P01') {
    return new AmpoError('conflict', `Another writer changed the same task first while ${doing}.`, { cause: error, details });
  }
  if (isConnectionError(error)) {
    return new AmpoError(
      'unavailable',
      `PostgreSQL could not be reached while ${doing} (${message}). Check that the server runs and accepts connections; try again.`,
      {
        cause: error,
        details,
      },
    );
  }
  if (code === '42P01' || code === '42883') {
    return new AmpoError(
      'store-error',
      `The database lacks ampo's schema while ${doing} (${message}). Was it migrated by @ampo/store-postgres?`,
      {
        cause: error,
        details,
      },
    );
  }
  return new AmpoError('store-error', `PostgreSQL failed while ${doing}: ${message}`, { cause: error, details });
};
