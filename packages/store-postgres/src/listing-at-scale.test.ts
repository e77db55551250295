import type { ListTasksQuery, Task } from '@ampo/core';
import { describe, expect, it } from 'vitest';
import { useTestPostgres } from './__fixtures__/test-database.js';

const { postgres, openStore } = useTestPostgres();
const count = 100_000;

/** 100k tasks in one statement: three share each creation time, every fourth has finished. */
const seedSql = `
  insert into tasks (id, status, repo, created_at, updated_at, last_seq, snapshot)
  select id, status, repo, created_at, created_at, 1,
         jsonb_build_object('id', id, 'status', status, 'request', jsonb_build_object('repo', repo, 'prompt', 'p'),
                            'createdAt', created_at, 'updatedAt', created_at, 'lastSeq', 1)
  from (
    select 't-' || lpad(i::text, 6, '0') as id,
           case when i % 4 = 0 then 'succeeded' else 'queued' end as status,
           'acme/repo-' || (i % 5) as repo,
           (i / 3)::bigint * 1000 as created_at
    from generate_series(1, ${count}) as i
  ) seeded;
  analyze tasks;
`;

describe('listing 100k tasks', () => {
  it('pages through all of them newest first without a skip or a repeat, with and without filters, by index', async () => {
    const url = await postgres().createDatabase();
    const database = new URL(url).pathname.slice(1);
    const store = await openStore(url);
    try {
      await postgres().psql(seedSql, database);

      const pageThrough = async (query: ListTasksQuery) => {
        const seen: Task[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 1_000; page++) {
          const result = await store.listTasks({ ...query, limit: 500, ...(cursor ? { cursor } : {}) });
          seen.push(...result.tasks);
          if (!result.nextCursor) return seen;
          cursor = result.nextCursor;
        }
        throw new Error('never reached the last page');
      };
      const expectNewestFirst = (tasks: Task[]) => {
        for (let index = 1; index < tasks.length; index++) {
          const [before, after] = [tasks[index - 1] as Task, tasks[index] as Task];
          const ordered = before.createdAt > after.createdAt || (before.createdAt === after.createdAt && before.id > after.id);
          if (!ordered) throw new Error(`${before.id} then ${after.id} is not newest first`);
        }
      };

      const all = await pageThrough({});
      expect(all).toHaveLength(count);
      expect(new Set(all.map((task) => task.id)).size).toBe(count);
      expectNewestFirst(all);
      expect(all[0]?.id).toBe('t-100000');

      const finished = await pageThrough({ status: 'succeeded' });
      expect(finished).toHaveLength(count / 4);
      expect(finished.every((task) => task.status === 'succeeded')).toBe(true);
      expectNewestFirst(finished);

      const oneRepo = await pageThrough({ repo: 'acme/repo-3', status: ['queued', 'succeeded'] });
      expect(oneRepo).toHaveLength(count / 5);
      expectNewestFirst(oneRepo);

      expect(await store.listUnfinished()).toHaveLength((count * 3) / 4);

      // A page deep in the list is read from an index in order: no sort of the whole table.
      const plan = await postgres().psql(
        `explain select snapshot::text from tasks where (created_at, id) < (50000000, 't-050000')
         order by created_at desc, id desc limit 501`,
        database,
      );
      expect(plan).toMatch(/Index Scan Backward using tasks_created/);
      expect(plan).not.toMatch(/Sort/);
    } finally {
      await store.close();
    }
  });
});
