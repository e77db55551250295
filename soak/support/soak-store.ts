// Which store the run's servers use, chosen once by `soak/run.ts` (`--database`): SQLite in each
// server's data directory (the embedded default), or a fresh PostgreSQL database per server.
// Kept here rather than passed through every section, so a section starts its servers the same
// way whichever store runs.
import type { SoakPostgres } from './soak-postgres.js';

let postgres: SoakPostgres | undefined;

export const useSoakPostgres = (server: SoakPostgres | undefined) => {
  postgres = server;
};

/** The PostgreSQL server of this run, if it runs on PostgreSQL. */
export const soakPostgres = (): SoakPostgres | undefined => postgres;

/**
 * After a SIGKILL, the next life's instance holds new leases: its predecessor's tasks wait out
 * the lease before it takes them (30 s by default). The soak kills over a hundred times, so its
 * servers use a shorter lease; the take-over it exercises is the same.
 */
export const soakLeaseTtl = '5s';

/**
 * A fresh database for one server (undefined on SQLite) and the environment that points the
 * server at it. The URL goes in the environment, not on the command line: it holds the password,
 * and command lines are visible to every process on the machine.
 */
export const soakDatabase = async (name: string): Promise<{ url?: string; env: NodeJS.ProcessEnv }> => {
  if (!postgres) return { env: {} };
  const url = await postgres.createDatabase(name);
  return { url, env: { AMPO_DATABASE_URL: url, AMPO_LEASE_TTL: soakLeaseTtl } };
};
