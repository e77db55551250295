import { type Kysely, sql } from 'kysely';

const terminal = sql.raw(`('succeeded', 'failed', 'cancelled')`);

/**
 * The whole schema of the first release: tasks with their lease, the event log, log chunks, and
 * the projections the SQLite store has (CI attempts, agent sessions). Appends go through one
 * function, `ampo_append`, so that an append is one round trip and one transaction.
 */
export const initial = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tasks')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('repo', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('last_seq', 'integer', (column) => column.notNull())
      .addColumn('log_seq', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('snapshot', 'jsonb', (column) => column.notNull())
      .addColumn('idempotency_key', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_epoch', 'integer', (column) => column.notNull().defaultTo(0))
      .addColumn('lease_expires_at', 'bigint')
      .execute();
    // Listing is newest first by (created_at, id), optionally within a status or a repo; btree
    // indexes scan backwards, so ascending ones serve it.
    await db.schema.createIndex('tasks_created').on('tasks').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('tasks_status_created').on('tasks').columns(['status', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_repo_created').on('tasks').columns(['repo', 'created_at', 'id']).execute();
    await db.schema.createIndex('tasks_status_updated').on('tasks').columns(['status', 'updated_at']).execute();
    await db.schema.createIndex('tasks_updated').on('tasks').columns(['updated_at', 'id']).execute();
    await db.schema
      .createIndex('tasks_idempotency_key')
      .on('tasks')
      .column('idempotency_key')
      .unique()
      .where(sql.ref('idempotency_key'), 'is not', null)
      .execute();
    // Claims and restarts read unfinished tasks oldest first; the count of active leases reads
    // the unexpired ones. Both stay small however many tasks have finished.
    await sql`create index tasks_unfinished on tasks (created_at, id) where status not in ${terminal}`.execute(db);
    await sql`create index tasks_lease_active on tasks (lease_expires_at) where lease_owner is not null`.execute(db);
    await sql`create index tasks_labels on tasks using gin ((snapshot -> 'request' -> 'labels') jsonb_path_ops)`.execute(db);

    await db.schema
      .createTable('task_events')
      .addColumn('task_id', 'text', (column) => column.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('body', 'jsonb', (column) => column.notNull())
      .addPrimaryKeyConstraint('task_events_pk', ['task_id', 'seq'])
      .execute();

    await db.schema
      .createTable('log_chunks')
      .addColumn('task_id', 'text', (column) => column.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('stream', 'text', (column) => column.notNull())
      .addColumn('source', 'text')
      .addColumn('text', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('log_chunks_pk', ['task_id', 'seq'])
      .execute();

    await db.schema
      .createTable('ci_attempts')
      .addColumn('task_id', 'text', (column) => column.notNull().references('tasks.id').onDelete('cascade'))
      .addColumn('attempt', 'integer', (column) => column.notNull())
      .addColumn('sha', 'text', (column) => column.notNull())
      .addColumn('conclusion', 'text')
      .addColumn('signature', 'text')
      .addColumn('failures', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('started_at', 'bigint', (column) => column.notNull())
      .addColumn('ended_at', 'bigint')
      .addPrimaryKeyConstraint('ci_attempts_pk', ['task_id', 'attempt'])
      .execute();
    await db.schema.createIndex('ci_attempts_conclusion').on('ci_attempts').columns(['conclusion', 'started_at']).execute();

    await db.schema
      .createTable('agent_sessions')
      .addColumn('task_id', 'text', (column) => column.primaryKey().references('tasks.id').onDelete('cascade'))
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('thread_id', 'text')
      .addColumn('cli_version', 'text')
      .addColumn('turn_log_offsets', 'jsonb', (column) => column.notNull().defaultTo(sql`'[]'::jsonb`))
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .execute();
    await db.schema.createIndex('agent_sessions_thread').on('agent_sessions').column('thread_id').execute();

    await sql.raw(appendFunction).execute(db);
  },
};

/**
 * One append: the fence, the seq check, the snapshot, the events, the projections and the
 * notification, in the caller's statement (so in one transaction). Raises AMP01 (seqs do not
 * follow), AMP02 (fenced) or AMP03 (idempotency key taken); the store maps them to AmpoErrors.
 */
const appendFunction = `
create function ampo_append(p_task_id text, p_events jsonb, p_snapshot jsonb, p_fence_owner text, p_fence_epoch integer)
returns integer language plpgsql as $fn$
declare
  v_found boolean;
  v_last integer := 0;
  v_log_seq integer := 0;
  v_owner text;
  v_epoch integer;
  v_new_last integer;
  v_bad bigint;
  v_finished integer;
  v_key text := p_snapshot ->> 'idempotencyKey';
begin
  select last_seq, log_seq, lease_owner, lease_epoch into v_last, v_log_seq, v_owner, v_epoch
    from tasks where id = p_task_id for update;
  v_found := found;
  if p_fence_owner is not null and (not v_found or v_owner is distinct from p_fence_owner or v_epoch <> p_fence_epoch) then
    raise exception using errcode = 'AMP02',
      message = format('Task %s is no longer leased to %s at epoch %s: another instance owns it now.', p_task_id, p_fence_owner, p_fence_epoch);
  end if;
  if not v_found then
    v_last := 0;
    v_log_seq := 0;
  end if;
  select min(n) into v_bad from jsonb_array_elements(p_events) with ordinality as e(body, n)
    where (body ->> 'seq')::integer is distinct from v_last + n::integer;
  if v_bad is not null then
    raise exception using errcode = 'AMP01', detail = v_last::text,
      message = format('Event seq %s of task %s does not follow seq %s: another writer got there first.',
        p_events -> (v_bad::integer - 1) ->> 'seq', p_task_id, v_last + v_bad - 1);
  end if;
  v_new_last := v_last + jsonb_array_length(p_events);

  if not v_found then
    if v_key is not null and exists (select 1 from tasks where idempotency_key = v_key) then
      raise exception using errcode = 'AMP03', detail = v_key,
        message = format('Another task was already created with idempotency key %s.', v_key);
    end if;
    insert into tasks (id, status, repo, created_at, updated_at, last_seq, snapshot, idempotency_key)
    values (p_task_id, p_snapshot ->> 'status', p_snapshot #>> '{request,repo}', (p_snapshot ->> 'createdAt')::numeric::bigint,
            (p_snapshot ->> 'updatedAt')::numeric::bigint, v_new_last, p_snapshot, v_key);
  else
    update tasks set status = p_snapshot ->> 'status', repo = p_snapshot #>> '{request,repo}',
                     created_at = (p_snapshot ->> 'createdAt')::numeric::bigint, updated_at = (p_snapshot ->> 'updatedAt')::numeric::bigint,
                     last_seq = v_new_last, snapshot = p_snapshot
      where id = p_task_id;
  end if;
  insert into task_events (task_id, seq, type, at, body)
    select p_task_id, (body ->> 'seq')::integer, body ->> 'type', (body ->> 'at')::numeric::bigint, body
    from jsonb_array_elements(p_events) as e(body);

  if jsonb_array_length(coalesce(p_snapshot -> 'attempts', '[]')) > 0 or jsonb_typeof(p_snapshot -> 'ciWatch') = 'object' then
    select count(*) into v_finished from ci_attempts where task_id = p_task_id and conclusion is not null;
    insert into ci_attempts (task_id, attempt, sha, conclusion, signature, failures, started_at, ended_at)
      select p_task_id, (a ->> 'attempt')::integer, a ->> 'sha', a ->> 'conclusion', a ->> 'signature', coalesce(a -> 'failures', '[]'),
             (a ->> 'startedAt')::numeric::bigint, (a ->> 'endedAt')::numeric::bigint
      from jsonb_array_elements(coalesce(p_snapshot -> 'attempts', '[]')) with ordinality as x(a, n)
      where n > v_finished
      on conflict (task_id, attempt) do update set sha = excluded.sha, conclusion = excluded.conclusion, signature = excluded.signature,
        failures = excluded.failures, started_at = excluded.started_at, ended_at = excluded.ended_at;
    if jsonb_typeof(p_snapshot -> 'ciWatch') = 'object' then
      insert into ci_attempts (task_id, attempt, sha, started_at)
        values (p_task_id, (p_snapshot #>> '{ciWatch,attempt}')::integer, p_snapshot #>> '{ciWatch,sha}', (p_snapshot #>> '{ciWatch,since}')::numeric::bigint)
        on conflict (task_id, attempt) do nothing;
    end if;
  end if;

  if exists (select 1 from jsonb_array_elements(p_events) as e(body) where body ->> 'type' in ('agent-turn-started', 'agent-session-started')) then
    insert into agent_sessions (task_id, kind, thread_id, turn_log_offsets, updated_at)
      values (p_task_id, p_snapshot #>> '{request,agent}', p_snapshot ->> 'agentSessionId',
        coalesce((select jsonb_agg(jsonb_build_object('turn', body -> 'turn', 'reason', body -> 'reason', 'eventSeq', body -> 'seq',
                                                      'logSeq', v_log_seq, 'at', body -> 'at') order by (body ->> 'seq')::integer)
                  from jsonb_array_elements(p_events) as e(body) where body ->> 'type' = 'agent-turn-started'), '[]'),
        (p_snapshot ->> 'updatedAt')::numeric::bigint)
      on conflict (task_id) do update set kind = excluded.kind, thread_id = excluded.thread_id,
        turn_log_offsets = agent_sessions.turn_log_offsets || excluded.turn_log_offsets, updated_at = excluded.updated_at;
  end if;

  if v_new_last > v_last then
    perform pg_notify('ampo_task_changes', p_task_id || ':' || (v_last + 1) || ':' || v_new_last);
  end if;
  return v_new_last;
end
$fn$`;
