import { AmpoError, type AmpoErrorCode, type Clock, type Logger } from '@ampo/core';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { createAppJwtSigner } from './app-jwt.js';

// Typed as the plain client: the plugins add behaviour, not methods that ampo calls.
const GitHubOctokit: typeof Octokit = Octokit.plugin(retry, throttling);
export type GitHubOctokit = InstanceType<typeof GitHubOctokit>;
type FullOctokitOptions = NonNullable<ConstructorParameters<typeof GitHubOctokit>[0]>;
/**
 * Octokit options ampo passes through to every client. Authentication and the base URL are
 * ampo's; `throttle` and `retry` tune the plugins (for example `retryAfterBaseValue`).
 */
export type OctokitOptions = Omit<FullOctokitOptions, 'auth' | 'authStrategy' | 'baseUrl' | 'throttle' | 'retry'> & {
  throttle?: Record<string, unknown>;
  retry?: Record<string, unknown>;
};

export type PermissionLevel = 'read' | 'write';
export type RequiredPermission = readonly [name: string, level: PermissionLevel];

export interface Installation {
  id: number;
  permissions: Record<string, string>;
  octokit: GitHubOctokit;
}

export interface GitHubClientSettings {
  appId: number | string;
  privateKey: string;
  baseUrl: string;
  clock: Clock;
  logger: Logger;
  octokit: OctokitOptions | undefined;
  maxRateLimitRetries: number;
}

const levelRank: Record<string, number> = { read: 1, write: 2, admin: 3 };

export const parseRepo = (repo: string): { owner: string; repo: string } => {
  // GitHub's rules: an owner is alphanumerics and inner hyphens; a name never is `.` or `..`.
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/(?!\.\.?(?:\.git)?$)([A-Za-z0-9_.-]{1,100})$/.exec(repo.trim());
  if (!match) throw new AmpoError('invalid-input', `"${repo}" is not a GitHub repository (owner/name).`);
  return { owner: match[1] as string, repo: (match[2] as string).replace(/\.git$/, '') };
};

const codeForStatus = (status: number, message: string): AmpoErrorCode => {
  if (status === 401) return 'unauthorized';
  if (status === 429 || (status === 403 && /rate limit/i.test(message))) return 'rate-limited';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 422) return 'conflict';
  if (status >= 500 || status === 0) return 'unavailable';
  return 'source-error';
};

/** An Octokit error as an AmpoError, without the request (its headers carry credentials). */
export const toAmpoError = (error: unknown, what: string, needs?: RequiredPermission, repo?: string): AmpoError => {
  if (AmpoError.isInstance(error)) return error;
  const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 0;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 403 && needs && /not accessible by integration/i.test(message)) {
    return missingPermission(needs, repo ?? 'the repository');
  }
  if ((error as Error)?.name === 'AbortError') return new AmpoError('cancelled', `${what} was cancelled.`);
  return new AmpoError(codeForStatus(status, message), `GitHub: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${message}`, {
    details: { status },
  });
};

export const missingPermission = ([name, level]: RequiredPermission, repo: string) =>
  new AmpoError(
    'forbidden',
    `The GitHub App lacks the "${name}: ${level}" permission on ${repo}. Grant it in the App's settings (Permissions), then accept the new permissions on the installation.`,
    { details: { permission: name, level, repo } },
  );

/**
 * Octokit clients for one GitHub App: the App itself (JWT) and one per installation, with
 * throttling, retries, installation tokens cached on the injected clock, and conditional requests
 * (ETag) so that unchanged polls are answered 304, which GitHub does not count.
 */
export const createGitHubClient = (settings: GitHubClientSettings) => {
  const signJwt = createAppJwtSigner(settings.appId, settings.privateKey, settings.clock);
  const { throttle, retry: retryOptions, log, ...rest } = settings.octokit ?? {};
  const logger = settings.logger;
  const limitHandler =
    (kind: string) => (retryAfter: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      logger.warn(`GitHub ${kind} rate limit hit`, { method: options.method, url: options.url, retryAfter, retryCount });
      return retryCount < settings.maxRateLimitRetries;
    };
  const baseOptions = (): FullOctokitOptions => ({
    baseUrl: settings.baseUrl,
    userAgent: 'ampo-adapter-github',
    log: log ?? {
      debug: () => {},
      info: () => {},
      warn: (message: string) => logger.warn(message),
      error: (message: string) => logger.error(message),
    },
    throttle: { onRateLimit: limitHandler('primary'), onSecondaryRateLimit: limitHandler('secondary'), ...throttle } as never,
    retry: { ...retryOptions },
    ...rest,
  });

  // auth-app's own cache keeps tokens 59 minutes by wall time; this one follows the clock and
  // lets a token go 5 minutes before it expires, so a clone or push never starts with a dying one.
  const tokenCache = new Map<string, string>();
  const cache = {
    get(key: string): string | undefined {
      const value = tokenCache.get(key);
      if (!value) return undefined;
      const expiresAt = Date.parse(value.split('|')[2] ?? '');
      if (!(expiresAt - 5 * 60_000 > settings.clock.now())) {
        tokenCache.delete(key);
        return undefined;
      }
      return value;
    },
    set(key: string, value: string) {
      tokenCache.set(key, value);
    },
  };
  const forgetTokens = (installationId: number) => {
    for (const key of tokenCache.keys()) if (key.split('|')[0] === String(installationId)) tokenCache.delete(key);
  };

  const withConditionalRequests = (octokit: GitHubOctokit, installationId?: number) => {
    const etags = new Map<string, { etag: string; response: unknown }>();
    octokit.hook.wrap('request', async (request, options) => {
      const isGet = (options.method ?? 'GET').toUpperCase() === 'GET';
      const key = isGet ? octokit.request.endpoint.parse(options).url : undefined;
      const cached = key ? etags.get(key) : undefined;
      if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
      try {
        const response = await request(options);
        const etag = response.headers?.etag;
        if (key && etag && response.status === 200) {
          etags.delete(key);
          etags.set(key, { etag, response: structuredClone(response) });
          if (etags.size > 500) etags.delete(etags.keys().next().value as string);
        }
        return response;
      } catch (error) {
        const status = (error as { status?: number }).status;
        // Pagination rewrites response objects in place: hand out a copy every time.
        if (status === 304 && cached) return structuredClone(cached.response) as Awaited<ReturnType<typeof request>>;
        // A token revoked or expired early: forget it and try once more with a freshly minted one.
        if (status === 401 && installationId !== undefined) {
          forgetTokens(installationId);
          return request(options);
        }
        throw error;
      }
    });
    return octokit;
  };

  const app = withConditionalRequests(
    new GitHubOctokit({ ...baseOptions(), authStrategy: createAppAuth, auth: { appId: settings.appId, createJwt: signJwt } }),
  );
  const installationClients = new Map<number, GitHubOctokit>();
  const installations = new Map<string, Promise<{ id: number; permissions: Record<string, string> }>>();

  const clientFor = (installationId: number): GitHubOctokit => {
    let client = installationClients.get(installationId);
    if (!client) {
      client = withConditionalRequests(
        new GitHubOctokit({
          ...baseOptions(),
          authStrategy: createAppAuth,
          auth: { appId: settings.appId, createJwt: signJwt, installationId, cache },
        }),
        installationId,
      );
      installationClients.set(installationId, client);
    }
    return client;
  };

  const lookUp = async (fullName: string) => {
    const { owner, repo } = parseRepo(fullName);
    try {
      const { data } = await app.rest.apps.getRepoInstallation({ owner, repo });
      return { id: data.id, permissions: (data.permissions ?? {}) as Record<string, string> };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) {
        throw new AmpoError(
          'forbidden',
          `The GitHub App ${settings.appId} is not installed on ${owner}/${repo} (or cannot see it). Install the App on that repository.`,
          { details: { repo: `${owner}/${repo}` } },
        );
      }
      if (status === 401) {
        throw new AmpoError('unauthorized', `GitHub rejected the App's JWT: check the App id (${settings.appId}) and its private key.`);
      }
      throw toAmpoError(error, `looking up the App installation on ${owner}/${repo}`);
    }
  };

  /** The installation that covers `repo`, checked to hold `needs`. */
  const installation = async (fullName: string, needs?: RequiredPermission): Promise<Installation> => {
    const key = fullName.toLowerCase();
    let pending = installations.get(key);
    if (!pending) {
      pending = lookUp(fullName);
      installations.set(key, pending);
      pending.catch(() => installations.delete(key));
    }
    const found = await pending;
    if (needs) {
      const granted = found.permissions[needs[0]];
      if (!granted || (levelRank[granted] ?? 0) < (levelRank[needs[1]] ?? 0)) throw missingPermission(needs, fullName);
    }
    return { ...found, octokit: clientFor(found.id) };
  };

  /** A fresh-enough installation token for git. */
  const token = async (fullName: string, needs: RequiredPermission): Promise<string> => {
    const { octokit } = await installation(fullName, needs);
    const authentication = (await octokit.auth({ type: 'installation' })) as { token: string };
    return authentication.token;
  };

  return {
    installation,
    token,
    /** Forgets what was learnt about `repo`'s installation (after the App was reinstalled). */
    forget(fullName: string) {
      installations.delete(fullName.toLowerCase());
    },
  };
};

export type GitHubClient = ReturnType<typeof createGitHubClient>;
