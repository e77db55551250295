import { AmpoError } from '@ampo/core';

const sqliteCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
};

export const isBusy = (error: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(error) ?? '');
export const isUniqueViolation = (error: unknown): boolean => /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(sqliteCode(error) ?? '');

/**
 * Turns whatever SQLite threw into an AmpoError that names the file and says what to do. `doing`
 * completes "while …".
 */
export const toStoreError = (error: unknown, filename: string, doing: string): AmpoError => {
  if (AmpoError.isInstance(error)) return error;
  const code = sqliteCode(error) ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const details = { filename, ...(code ? { sqliteCode: code } : {}) };
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new AmpoError(
      'unavailable',
      `The database ${filename} stayed locked by another connection for longer than the busy timeout while ${doing}. ` +
        `Try again; if it keeps happening, stop the other process that holds the file (\`fuser ${filename}\` finds it) or raise busyTimeoutMs.`,
      { cause: error, details },
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new AmpoError(
      'store-error',
      `The file ${filename} is not a readable SQLite database (${message}). Move it aside so that a new one is created, ` +
        `or restore it from a backup; \`sqlite3 ${filename} .recover\` may rescue what it holds.`,
      { cause: error, details },
    );
  }
  // better-sqlite3 throws a plain TypeError when the directory is missing.
  if (code.startsWith('SQLITE_CANTOPEN') || /directory does not exist/.test(message)) {
    return new AmpoError(
      'store-error',
      `Cannot open the database ${filename} (${message}). Check that its directory exists and that this process may write there.`,
      { cause: error, details },
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new AmpoError(
      'store-error',
      `The database ${filename} is read-only for this process (${message}). Give the process write access to the file and its directory.`,
      { cause: error, details },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new AmpoError('store-error', `The disk holding ${filename} is full. Free some space and try again.`, { cause: error, details });
  }
  return new AmpoError('store-error', `The database ${filename} failed while ${doing}: ${message}`, { cause: error, details });
};
