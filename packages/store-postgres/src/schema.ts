import type { Generated } from 'kysely';

/** A bigint column (epoch ms). pg hands it back as a string: wrap reads in `Number()`. */
type Int8 = number;

/** The tables at the latest migration, as kysely sees them. Internal: never crosses the port. */
export interface StoreSchema {
  tasks: TasksTable;
  task_events: TaskEventsTable;
  log_chunks: LogChunksTable;
  ci_attempts: CiAttemptsTable;
  agent_sessions: AgentSessionsTable;
}

export interface TasksTable {
  id: string;
  status: string;
  repo: string;
  created_at: Int8;
  updated_at: Int8;
  last_seq: number;
  /** Seq of the last log chunk, kept here so that pruning old chunks never reuses a seq. */
  log_seq: Generated<number>;
  /** The `Task` (JSONB; strings with NUL escaped, see json-text.ts). */
  snapshot: unknown;
  idempotency_key: string | null;
  /** The lease: null owner when never claimed or released. The epoch outlives a release. */
  lease_owner: string | null;
  lease_epoch: Generated<number>;
  lease_expires_at: Int8 | null;
}

export interface TaskEventsTable {
  task_id: string;
  seq: number;
  type: string;
  at: Int8;
  body: unknown;
}

export interface LogChunksTable {
  task_id: string;
  seq: number;
  at: Int8;
  stream: string;
  source: string | null;
  text: string;
}

export interface CiAttemptsTable {
  task_id: string;
  attempt: number;
  sha: string;
  conclusion: string | null;
  signature: string | null;
  failures: Generated<unknown>;
  started_at: Int8;
  ended_at: Int8 | null;
}

export interface AgentSessionsTable {
  task_id: string;
  kind: string;
  thread_id: string | null;
  cli_version: string | null;
  turn_log_offsets: unknown;
  updated_at: Int8;
}
