import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { optionNamesOf, RunOptions, StartOptions, TokenOptions } from './command-options.js';
import { readOptions, UsageError, validateOptions } from './read-options.js';
import { stackSettingsOf } from './stack-settings.js';

const parse = <S extends z.ZodObject>(schema: S, argv: string[], env: NodeJS.ProcessEnv = {}): z.infer<S> =>
  validateOptions(schema, readOptions(argv, env, optionNamesOf(schema)));

/** The problems a UsageError lists, or fails. */
const problems = (work: () => unknown): readonly string[] => {
  try {
    work();
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
  throw new Error('expected a UsageError');
};

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('the options of ampo-server', () => {
  it('defaults to port 7077 on 127.0.0.1, ./.ampo, the current directory as the only repository root, ampo-worker:1', () => {
    const options = parse(StartOptions, []);
    expect(options).toMatchObject({
      port: 7077,
      host: '127.0.0.1',
      dataDir: resolve('.ampo'),
      repoRoot: [process.cwd()],
      image: 'ampo-worker:1',
      repo: [],
      metricsHost: '127.0.0.1',
    });
    expect(options.metricsPort).toBeUndefined();
    expect(options.githubAppId).toBeUndefined();
  });

  it('takes AMPO_* variables, lets a flag win over its variable, and splits lists on ":"', () => {
    const roots = [mkdtempSync(join(tmpdir(), 'ampo-root-')), mkdtempSync(join(tmpdir(), 'ampo-root-'))];
    const options = parse(StartOptions, ['--port', '8080', '--repo', 'a.git', '--repo', 'b.git'], {
      AMPO_PORT: '9090',
      AMPO_HOST: '0.0.0.0',
      AMPO_REPO_ROOT: roots.join(':'),
      AMPO_REPO: 'ignored.git',
      AMPO_CONCURRENCY: '8',
      AMPO_DATA_DIR: 'some/where',
    });
    expect(options).toMatchObject({ port: 8080, host: '0.0.0.0', repoRoot: roots, repo: ['a.git', 'b.git'], concurrency: 8 });
    expect(options.dataDir).toBe(resolve('some/where'));
  });

  it('names every bad value once, by the flag or the variable it came from, with what would be right', () => {
    expect(
      problems(() =>
        parse(StartOptions, ['--port', 'http', '--concurrency', '0', '--log-level', 'loud'], {
          AMPO_METRICS_PORT: '70000',
          AMPO_REPO_ROOT: '/no/such/directory',
          AMPO_PUBLIC_URL: 'ftp://example.com',
        }),
      ),
    ).toEqual([
      'AMPO_REPO_ROOT "/no/such/directory": must be a directory that exists',
      '--concurrency "0": must be a whole number from 1 to 256',
      '--log-level "loud": must be one of fatal, error, warn, info, debug, trace, silent',
      '--port "http": must be a whole number from 0 to 65535',
      'AMPO_PUBLIC_URL "ftp://example.com": must be an http:// or https:// URL',
      'AMPO_METRICS_PORT "70000": must be a whole number from 0 to 65535',
    ]);
    expect(problems(() => parse(TokenOptions, ['--ttl', '90x', '--scope', 'root']))).toEqual([
      '--scope "root": must be one of tasks:read, tasks:write, admin',
      '--ttl "90x": must be a duration like 30m, 1h or 7d (s, m, h or d; at most 365d)',
    ]);
    expect(problems(() => parse(StartOptions, ['--frobnicate']))).toEqual(["Unknown option '--frobnicate'."]);
  });

  it('reads a token lifetime in seconds', () => {
    expect(parse(TokenOptions, []).ttl).toBe(3600);
    expect(parse(TokenOptions, ['--ttl', '30m']).ttl).toBe(1800);
    expect(parse(TokenOptions, ['--ttl', '7d', '--scope', 'tasks:write', '--scope', 'admin'])).toMatchObject({
      ttl: 604_800,
      scope: ['tasks:write', 'admin'],
    });
    expect(problems(() => parse(TokenOptions, ['--ttl', '0s']))).toHaveLength(1);
    expect(problems(() => parse(TokenOptions, ['--ttl', '400d']))).toHaveLength(1);
  });

  it('takes a GitHub App from the environment: the key inline (with \\n escapes) or from a file, never repeated in a message', () => {
    const inline = parse(StartOptions, [], { GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: pem.replaceAll('\n', '\\n') });
    expect(inline).toMatchObject({ githubAppId: '12345', githubPrivateKey: pem });
    const file = join(mkdtempSync(join(tmpdir(), 'ampo-key-')), 'app.pem');
    writeFileSync(file, pem, { mode: 0o600 });
    expect(parse(StartOptions, [], { GITHUB_APP_ID: 'Iv1.abc', GITHUB_APP_PRIVATE_KEY_PATH: file }).githubPrivateKeyPath).toBe(pem);

    const secret = 'not-a-key-but-a-secret-all-the-same';
    const bad = problems(() => parse(StartOptions, [], { GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: secret, GITHUB_WEBHOOK_SECRET: 'x' }));
    expect(bad).toEqual(['GITHUB_APP_PRIVATE_KEY: must be a PEM private key (-----BEGIN … PRIVATE KEY-----)']);
    expect(bad.join('\n')).not.toContain(secret);
    expect(problems(() => parse(StartOptions, [], { GITHUB_APP_ID: '1' }))).toEqual([
      'GITHUB_APP_ID "1": is set, but neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_PATH is',
    ]);
    expect(problems(() => parse(StartOptions, [], { GITHUB_APP_PRIVATE_KEY: pem, GITHUB_WEBHOOK_SECRET: 'shh' }))).toEqual([
      'GITHUB_APP_PRIVATE_KEY: is set, but GITHUB_APP_ID is not',
      'GITHUB_WEBHOOK_SECRET: is set, but GITHUB_APP_ID is not',
    ]);
  });

  it('polls GitHub CI at --github-poll-interval (AMPO_GITHUB_POLL_INTERVAL), only with a GitHub App', () => {
    const app = { GITHUB_APP_ID: '12345', GITHUB_APP_PRIVATE_KEY: pem, GITHUB_WEBHOOK_SECRET: 'shh' };
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const flagged = parse(StartOptions, ['--github-poll-interval', '2s'], { ...app, AMPO_GITHUB_POLL_INTERVAL: '5m' });
    expect(flagged.githubPollInterval).toBe(2);
    expect(stackSettingsOf(flagged, { logger }).github?.polling).toEqual({ initialDelayMs: 2000, maxDelayMs: 2000 });
    expect(parse(StartOptions, [], { ...app, AMPO_GITHUB_POLL_INTERVAL: '5m' }).githubPollInterval).toBe(300);
    // Unset: the adapter's own defaults (10 minutes as a safety net with webhooks).
    expect(stackSettingsOf(parse(StartOptions, [], app), { logger }).github).not.toHaveProperty('polling');
    expect(problems(() => parse(StartOptions, ['--github-poll-interval', '2s']))).toEqual([
      '--github-poll-interval "2s": is set, but GITHUB_APP_ID is not: only GitHub CI is polled',
    ]);
    expect(problems(() => parse(StartOptions, ['--github-poll-interval', 'soon'], app))).toEqual([
      '--github-poll-interval "soon": must be a duration like 30m, 1h or 7d (s, m, h or d; at most 365d)',
    ]);
  });

  it('takes an identity provider only whole, and its keys only over https away from this machine', () => {
    expect(problems(() => parse(StartOptions, [], { AMPO_JWKS_URL: 'https://idp.example.com/jwks' }))).toEqual([
      'AMPO_JWT_ISSUER: is needed too: an identity provider takes AMPO_JWKS_URL, AMPO_JWT_ISSUER and AMPO_JWT_AUDIENCE',
      'AMPO_JWT_AUDIENCE: is needed too: an identity provider takes AMPO_JWKS_URL, AMPO_JWT_ISSUER and AMPO_JWT_AUDIENCE',
    ]);
    const provider = { AMPO_JWT_ISSUER: 'https://idp.example.com/', AMPO_JWT_AUDIENCE: 'ampo' };
    expect(problems(() => parse(StartOptions, [], { ...provider, AMPO_JWKS_URL: 'http://idp.example.com/jwks' }))).toEqual([
      'AMPO_JWKS_URL "http://idp.example.com/jwks": must be an https:// URL (http:// only on this machine)',
    ]);
    expect(parse(StartOptions, [], { ...provider, AMPO_JWKS_URL: 'http://127.0.0.1:9999/jwks' }).jwksUrl).toBe(
      'http://127.0.0.1:9999/jwks',
    );
  });

  it('run needs exactly one repository; it names the flag when the value is missing', () => {
    expect(problems(() => parse(RunOptions, []))).toEqual(['--repo: is required: the repository to work on']);
    expect(problems(() => parse(RunOptions, ['--repo', 'a', '--repo', 'b']))).toEqual([
      '--repo: is given more than once: run works on one repository',
    ]);
    expect(parse(RunOptions, ['--repo', 'a', '--agent', 'codex'])).toMatchObject({ repo: ['a'], agent: 'codex' });
    expect(problems(() => parse(RunOptions, ['--repo', 'a', '--agent', 'gpt']))).toEqual([
      '--agent "gpt": must be one of amp, claude-code, codex',
    ]);
  });
});
