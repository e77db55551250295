#!/usr/bin/env node
// The bin `ampo-server` (`npx @ampo/server`).
import { readFileSync } from 'node:fs';
import { runCli } from './run-cli.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const result = await runCli(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    exit: (code) => process.exit(code),
  },
  version,
);
if (result !== 'running') process.exit(result);
