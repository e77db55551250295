import type { Generated } from 'kysely';

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
  created_at: number;
  updated_at: number;
  /** Seq of the last event; the check for contiguous appends reads it. */
  last_seq: number;
  /** Seq of the last log chunk, kept here so that pruning old chunks never reuses a seq. */
  log_seq: Generated<number>;
  /** The `Task` as JSON. */
  snapshot: string;
  /** The caller's key that made creating the task idempotent; unique where set. */
  idempotency_key: string | null;
  /** The instance that holds the task's lease, if any. */
  lease_owner: Generated<string | null>;
  /** Grows by one on every claim: fences the writes of a stale owner. */
  lease_epoch: Generated<number>;
  lease_expires_at: Generated<number | null>;
}

export interface TaskEventsTable {
  task_id: string;
  seq: number;
  type: string;
  at: number;
  /** The whole event as JSON. */
  body: string;
}

export interface LogChunksTable {
  task_id: string;
  seq: number;
  at: number;
  stream: string;
  source: string | null;
  text: string;
}

/** A projection of `Task.attempts` (and of `ciWatch` while CI runs), for queries across tasks. */
export interface CiAttemptsTable {
  task_id: string;
  attempt: number;
  sha: string;
  /** Null while CI runs, and if the task ended before CI did. */
  conclusion: string | null;
  signature: string | null;
  /** `CiFailure[]` as JSON. */
  failures: Generated<string>;
  started_at: number;
  ended_at: number | null;
}

/** A projection of the task's agent thread, for queries across tasks. */
export interface AgentSessionsTable {
  task_id: string;
  kind: string;
  /** The agent's thread/session id, once the agent reported it. */
  thread_id: string | null;
  /** Not known to core yet (no event carries it). */
  cli_version: string | null;
  /** `TurnLogOffset[]` as JSON: where each turn starts in the event log and in the log chunks. */
  turn_log_offsets: string;
  updated_at: number;
}

export interface TurnLogOffset {
  turn: number;
  reason: string;
  /** Seq of the turn's `agent-turn-started` event. */
  eventSeq: number;
  /** Seq of the last log chunk before the turn started: its output follows it. Null if unknown. */
  logSeq: number | null;
  at: number;
}
