import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTaskStore } from '@ampo/core/testing';
import { afterAll } from 'vitest';
import { createSqliteStore } from './create-sqlite-store.js';

const directory = mkdtempSync(join(tmpdir(), 'ampo-store-conformance-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;

describeTaskStore({ name: 'sqlite (file)', create: () => createSqliteStore({ filename: join(directory, `store-${++files}.db`) }) });
describeTaskStore({ name: 'sqlite (:memory:)', create: () => createSqliteStore({ filename: ':memory:' }) });
