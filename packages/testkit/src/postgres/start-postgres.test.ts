import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './start-postgres.js';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('startPostgres', () => {
  it('runs a throwaway server with a fresh database per call, and stops it', async () => {
    const postgres = await startPostgres();
    try {
      expect(await postgres.psql('select 40 + 2')).toBe('42\n');
      const first = await postgres.createDatabase();
      const second = await postgres.createDatabase();
      expect(first).not.toBe(second);
      const name = (url: string) => new URL(url).pathname.slice(1);
      await postgres.psql('create table only_here (id int)', name(first));
      expect(await postgres.psql("select count(*) from pg_tables where tablename = 'only_here'", name(second))).toBe('0\n');
      expect(await postgres.psql('show fsync')).toBe('off\n');
      expect(await accepts(postgres.port)).toBe(true);
    } finally {
      await postgres.stop();
      await postgres.stop();
    }
    expect(await accepts(postgres.port)).toBe(false);
  });
});
