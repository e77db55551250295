import { resolve } from 'node:path';
import { AgentKind } from '@ampo/core';
import { z } from 'zod';
import { Scope } from '../auth/scopes.js';
import type { OptionName } from './option-specs.js';
import {
  command,
  count,
  dockerHost,
  duration,
  existingDirectory,
  host,
  httpUrl,
  identifier,
  image,
  inlinePrivateKey,
  logLevel,
  parsed,
  path,
  port,
  postgresUrl,
  privateKeyFile,
  text,
} from './option-values.js';

/** The worker image when none is given: what `docker build -t ampo-worker:1 …/worker-image` makes. */
export const defaultImage = 'ampo-worker:1';

const scope = parsed(`must be one of ${Scope.options.join(', ')}`, (raw) => Scope.safeParse(raw).data);
const agent = parsed(`must be one of ${AgentKind.options.join(', ')}`, (raw) => AgentKind.safeParse(raw).data);

const issue = (context: z.core.$RefinementCtx, name: OptionName, message: string) =>
  context.addIssue({ code: 'custom', path: [name], message });

const dataDirectory = { dataDir: path.default(() => resolve('.ampo')) };

const identityProvider = {
  jwksUrl: httpUrl.optional(),
  jwtIssuer: text.optional(),
  jwtAudience: text.optional(),
};

/** The three settings of an identity provider come together; its keys only over https (or on this machine). */
const checkIdentityProvider = (options: { jwksUrl?: string; jwtIssuer?: string; jwtAudience?: string }, context: z.core.$RefinementCtx) => {
  const given = [options.jwksUrl, options.jwtIssuer, options.jwtAudience].filter((value) => value !== undefined).length;
  if (given > 0 && given < 3) {
    for (const [name, value] of [
      ['jwksUrl', options.jwksUrl],
      ['jwtIssuer', options.jwtIssuer],
      ['jwtAudience', options.jwtAudience],
    ] as const) {
      if (value === undefined)
        issue(context, name, 'is needed too: an identity provider takes AMPO_JWKS_URL, AMPO_JWT_ISSUER and AMPO_JWT_AUDIENCE');
    }
  }
  if (options.jwksUrl) {
    const url = new URL(options.jwksUrl);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !local) issue(context, 'jwksUrl', 'must be an https:// URL (http:// only on this machine)');
  }
};

/** What `start` and `run` share: the embedded stack. */
const stackOptions = {
  ...dataDirectory,
  repoRoot: z.array(existingDirectory).default(() => [process.cwd()]),
  image: image.default(defaultImage),
  concurrency: count(256).optional(),
  database: postgresUrl.optional(),
  maxActive: count(100_000).optional(),
  leaseTtl: duration.optional(),
  dockerHost: dockerHost.optional(),
  agentBinary: command.optional(),
  instanceId: identifier.optional(),
  logLevel: logLevel.optional(),
  githubAppId: parsed('must be the App id (digits) or its client id', (raw) =>
    /^[A-Za-z0-9.]{1,100}$/.test(raw) ? raw : undefined,
  ).optional(),
  githubPrivateKey: inlinePrivateKey.optional(),
  githubPrivateKeyPath: privateKeyFile.optional(),
  githubWebhookSecret: text.optional(),
  githubApiUrl: httpUrl.optional(),
  githubPollInterval: duration.optional(),
  ampApiKey: text.optional(),
  anthropicApiKey: text.optional(),
  codexApiKey: text.optional(),
};

type StackFields = {
  githubAppId?: string;
  githubPrivateKey?: string;
  githubPrivateKeyPath?: string;
  githubWebhookSecret?: string;
  githubPollInterval?: number;
};

const checkGitHubApp = (options: StackFields, context: z.core.$RefinementCtx) => {
  const key = options.githubPrivateKey ?? options.githubPrivateKeyPath;
  if (options.githubPrivateKey && options.githubPrivateKeyPath)
    issue(context, 'githubPrivateKeyPath', 'is set, and so is GITHUB_APP_PRIVATE_KEY: give the key one way');
  if (options.githubAppId && !key)
    issue(context, 'githubAppId', 'is set, but neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_PATH is');
  if (!options.githubAppId && key)
    issue(context, options.githubPrivateKey ? 'githubPrivateKey' : 'githubPrivateKeyPath', 'is set, but GITHUB_APP_ID is not');
  if (!options.githubAppId && options.githubWebhookSecret) issue(context, 'githubWebhookSecret', 'is set, but GITHUB_APP_ID is not');
  if (!options.githubAppId && options.githubPollInterval !== undefined)
    issue(context, 'githubPollInterval', 'is set, but GITHUB_APP_ID is not: only GitHub CI is polled');
};

export const StartOptions = z
  .object({
    ...stackOptions,
    ...identityProvider,
    port: port.default(7077),
    host: host.default('127.0.0.1'),
    publicUrl: httpUrl.optional(),
    repo: z.array(text).default([]),
    metricsPort: port.optional(),
    metricsHost: host.default('127.0.0.1'),
  })
  .superRefine((options, context) => {
    checkGitHubApp(options, context);
    checkIdentityProvider(options, context);
    if (options.maxActive !== undefined && !options.database) issue(context, 'maxActive', 'needs --database (one limit across instances)');
    if (options.leaseTtl !== undefined && !options.database) issue(context, 'leaseTtl', 'needs --database (leases are shared through it)');
    if (
      options.metricsPort !== undefined &&
      options.metricsPort !== 0 &&
      options.metricsPort === options.port &&
      options.metricsHost === options.host
    )
      issue(context, 'metricsPort', 'is the server port: give the metrics listener a port of its own');
  });
export type StartOptions = z.infer<typeof StartOptions>;

export const RunOptions = z
  .object({
    ...stackOptions,
    repo: z
      .array(text, { error: 'is required: the repository to work on' })
      .length(1, { error: 'is given more than once: run works on one repository' }),
    agent: agent.default('amp'),
  })
  .superRefine(checkGitHubApp);
export type RunOptions = z.infer<typeof RunOptions>;

export const TokenOptions = z.object({
  ...dataDirectory,
  jwksUrl: text.optional(),
  scope: z.array(scope).default(['tasks:read']),
  ttl: duration.default(3600),
  subject: text.default('cli'),
});
export type TokenOptions = z.infer<typeof TokenOptions>;

export const LoginLinkOptions = z.object({
  ...dataDirectory,
  port: port.default(7077),
  host: host.default('127.0.0.1'),
  publicUrl: httpUrl.optional(),
  scope: z.array(scope).default(['admin']),
  subject: text.default('operator'),
});
export type LoginLinkOptions = z.infer<typeof LoginLinkOptions>;

/** The settings a command reads: the keys of its schema. */
export const optionNamesOf = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape) as OptionName[];
