// `npm run soak -- --database postgres`: one throwaway PostgreSQL server for the whole run, on
// which every soak server gets a fresh database of its own (so no section sees another's tasks).
// The servers log in as a role with a password (SCRAM, not the testkit's trust), so the password
// must really reach the server for anything to work, and the secrets section can search for it.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from '@ampo/testkit';
import pg from 'pg';

export interface SoakPostgres {
  /** The servers' role's password (a canary: it must appear nowhere the run can see). */
  readonly password: string;
  /** Databases created so far. */
  readonly databases: number;
  /** An empty database owned by the servers' role; its URL holds the role's password. */
  createDatabase(name: string): Promise<string>;
  /** Every row of every table of a database created here, as text (read as the superuser). */
  dump(url: string): Promise<string>;
  stop(): Promise<void>;
}

const role = 'ampo_soak';

export const startSoakPostgres = async (): Promise<SoakPostgres> => {
  // The superuser (the soak's own set-up) keeps trust; every other role must give its password.
  const hbaDirectory = mkdtempSync(join(tmpdir(), 'ampo-soak-hba-'));
  chmodSync(hbaDirectory, 0o755);
  const hbaFile = join(hbaDirectory, 'pg_hba.conf');
  writeFileSync(hbaFile, `host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n`, { mode: 0o644 });
  const server = await startPostgres({ settings: { hba_file: hbaFile, password_encryption: 'scram-sha-256' } });
  const admin = (database = 'postgres') => new pg.Client({ connectionString: server.url.replace(/\/postgres$/, `/${database}`) });
  const asAdmin = async <T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = admin(database);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  // Sent as a parameterless statement over the wire, never on a command line.
  const password = `soakcanarypg${randomBytes(18).toString('hex')}`;
  await asAdmin('postgres', (client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`));
  let databases = 0;
  const base = `postgres://${role}:${password}@127.0.0.1:${server.port}`;

  return {
    password,
    get databases() {
      return databases;
    },
    async createDatabase(name) {
      databases += 1;
      const database = `soak_${databases}_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`.slice(0, 63);
      await asAdmin('postgres', (client) => client.query(`CREATE DATABASE ${database} OWNER ${role}`));
      return `${base}/${database}`;
    },
    async dump(url) {
      const database = new URL(url).pathname.slice(1);
      return asAdmin(database, async (client) => {
        const tables = await client.query<{ name: string }>(
          `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
           WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
        );
        const texts: string[] = [];
        for (const { name } of tables.rows) {
          const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
          texts.push(`-- ${name}`, ...rows.rows.map(({ row }) => row));
        }
        return texts.join('\n');
      });
    },
    async stop() {
      await server.stop();
      rmSync(hbaDirectory, { recursive: true, force: true });
    },
  };
};
