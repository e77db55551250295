import { type Kysely, sql } from 'kysely';

/**
 * Projections of the snapshot for queries across tasks: CI attempts with their failures, and agent
 * sessions. Existing tasks are backfilled from their snapshots and events.
 */
export const ciAttemptsAndAgentSessions = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ci_attempts')
      .addColumn('task_id', 'text', (column) => column.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('attempt', 'integer', (column) => column.notNull())
      .addColumn('sha', 'text', (column) => column.notNull())
      .addColumn('conclusion', 'text')
      .addColumn('signature', 'text')
      .addColumn('failures', 'text', (column) => column.notNull().defaultTo('[]'))
      .addColumn('started_at', 'integer', (column) => column.notNull())
      .addColumn('ended_at', 'integer')
      .addPrimaryKeyConstraint('ci_attempts_pk', ['task_id', 'attempt'])
      .execute();
    await db.schema.createIndex('ci_attempts_conclusion').on('ci_attempts').columns(['conclusion', 'started_at']).execute();

    await db.schema
      .createTable('agent_sessions')
      .addColumn('task_id', 'text', (column) => column.primaryKey().references('tasks.id').onDelete('cascade'))
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('thread_id', 'text')
      .addColumn('cli_version', 'text')
      .addColumn('turn_log_offsets', 'text', (column) => column.notNull().defaultTo('[]'))
      .addColumn('updated_at', 'integer', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('agent_sessions_thread').on('agent_sessions').column('thread_id').execute();

    await sql`
      insert into ci_attempts (task_id, attempt, sha, conclusion, signature, failures, started_at, ended_at)
      select t.id, a.value ->> '$.attempt', a.value ->> '$.sha', a.value ->> '$.conclusion', a.value ->> '$.signature',
             coalesce(a.value -> '$.failures', '[]'), a.value ->> '$.startedAt', a.value ->> '$.endedAt'
      from tasks t, json_each(t.snapshot, '$.attempts') a
    `.execute(db);
    await sql`
      insert or ignore into ci_attempts (task_id, attempt, sha, started_at)
      select t.id, t.snapshot ->> '$.ciWatch.attempt', t.snapshot ->> '$.ciWatch.sha', t.snapshot ->> '$.ciWatch.since'
      from tasks t where t.snapshot ->> '$.ciWatch' is not null
    `.execute(db);
    // Log offsets of past turns are unknown: logSeq stays null for them.
    await sql`
      insert into agent_sessions (task_id, kind, thread_id, turn_log_offsets, updated_at)
      select t.id, t.snapshot ->> '$.request.agent', t.snapshot ->> '$.agentSessionId',
             coalesce((
               select json_group_array(json_object(
                 'turn', e.body ->> '$.turn', 'reason', e.body ->> '$.reason', 'eventSeq', e.seq, 'logSeq', null, 'at', e.at))
               from (select * from task_events where task_id = t.id and type = 'agent-turn-started' order by seq) e
             ), '[]'),
             t.updated_at
      from tasks t where t.snapshot ->> '$.turnsStarted' > 0
    `.execute(db);
  },
};
