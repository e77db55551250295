/**
 * The slices of `pg` (node-postgres 8) the store calls, so that a caller injects their own
 * `pg.Pool` and `pg.Client` without this package's types depending on pg's.
 */
export interface PgQueryResult {
  rows: unknown[];
  rowCount: number | null;
}

/** A `pg.PoolClient`. */
export interface PgPoolClient {
  query(sql: string, parameters?: readonly unknown[]): Promise<PgQueryResult>;
  release(destroy?: boolean | Error): void;
}

/** A `pg.Pool`. Its `options` are what the default LISTEN connection is made from. */
export interface PgPool {
  connect(): Promise<PgPoolClient>;
  readonly options?: object;
}

export interface PgNotification {
  channel: string;
  payload?: string | undefined;
}

/** A `pg.Client`, used for LISTEN only. */
export interface PgListenClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
  on(event: 'notification', listener: (message: PgNotification) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}
