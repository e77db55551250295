import type { IncomingMessage, ServerResponse } from 'node:http';
import { AmpoError, type Logger } from '@ampo/core';
import { Webhooks } from '@octokit/webhooks';
import { type Observable, Subject } from 'rxjs';
import type { CiWakeups } from './ci-wakeups.js';
import type { GitHubClient } from './github-client.js';
import { readTaskMarker } from './task-marker.js';

/** What a GitHub webhook means to ampo. `taskId` comes from the marker ampo puts in its pull requests. */
export type GitHubEvent =
  | { type: 'pull-request-closed'; repo: string; number: number; merged: boolean; taskId: string }
  | {
      type: 'pull-request-comment';
      repo: string;
      number: number;
      taskId: string;
      author: string;
      body: string;
      commentId: number;
      /** For a review comment: the file and line of the diff it is on. */
      path?: string;
      line?: number;
    }
  | { type: 'ci-changed'; repo: string; sha: string };

export interface WebhookDelivery {
  /** `X-GitHub-Delivery` */
  id: string;
  /** `X-GitHub-Event` */
  name: string;
  /** `X-Hub-Signature-256` */
  signature: string;
  /** The raw request body, exactly as received (the signature is over these bytes). */
  payload: string;
}

export interface GitHubWebhooks {
  /** Whether `signature` (`X-Hub-Signature-256`) is the App secret's signature of exactly `payload`. False without a secret. */
  verify(payload: string, signature: string): Promise<boolean>;
  /**
   * Verifies the signature and handles one delivery. Rejects with an `unauthorized` AmpoError
   * when the signature does not match (nothing is handled then).
   */
  receive(delivery: WebhookDelivery): Promise<void>;
  /** A Node request handler for `POST` deliveries: 202 when handled, 401 on a bad signature. */
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Pull request closings and follow-up comments on ampo's pull requests, CI changes. */
  readonly events$: Observable<GitHubEvent>;
}

const writeRoles = new Set(['admin', 'maintain', 'write']);

export const createGitHubWebhooks = (settings: {
  secret: string | undefined;
  client: GitHubClient;
  wakeups: CiWakeups;
  logger: Logger;
  /** Comments must contain this to be for ampo; `null` takes every comment. */
  mention: string | null;
}): GitHubWebhooks => {
  const { client, wakeups, logger } = settings;
  const events = new Subject<GitHubEvent>();
  const webhooks = settings.secret ? new Webhooks({ secret: settings.secret }) : undefined;
  const ignore = (event: string, reason: string, fields: Record<string, unknown> = {}) =>
    logger.info('GitHub webhook ignored', { event, reason, ...fields });

  const canWrite = async (repo: string, login: string): Promise<boolean> => {
    try {
      const { octokit } = await client.installation(repo, ['metadata', 'read']);
      const [owner, name] = repo.split('/') as [string, string];
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo: name, username: login });
      return writeRoles.has(data.role_name) || writeRoles.has(data.permission);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  };

  if (webhooks) {
    const ciChanged = (repo: string, sha: string | undefined, wake = true) => {
      if (!sha) return;
      if (wake) wakeups.wake(repo, sha);
      events.next({ type: 'ci-changed', repo, sha });
    };
    // A check run ends before its suite does, and only the suite's end can end CI: the run's event
    // is passed on, but the watcher waits for the suite (or a status) before it looks again.
    webhooks.on('check_run.completed', ({ payload }) => ciChanged(payload.repository.full_name, payload.check_run.head_sha, false));
    webhooks.on('check_suite.completed', ({ payload }) => ciChanged(payload.repository.full_name, payload.check_suite.head_sha));
    webhooks.on('workflow_run.completed', ({ payload }) => ciChanged(payload.repository.full_name, payload.workflow_run.head_sha));
    webhooks.on('status', ({ payload }) => {
      wakeups.noteStatus(payload.repository.full_name);
      ciChanged(payload.repository.full_name, payload.sha);
    });
    webhooks.on('pull_request.closed', ({ payload }) => {
      const taskId = readTaskMarker(payload.pull_request.body);
      if (!taskId)
        return ignore('pull_request.closed', 'not an ampo pull request', { repo: payload.repository.full_name, number: payload.number });
      events.next({
        type: 'pull-request-closed',
        repo: payload.repository.full_name,
        number: payload.number,
        merged: payload.pull_request.merged === true,
        taskId,
      });
    });
    /** The comment's author when ampo should act on it (not a bot, mentions ampo, may write), else undefined. */
    const acceptedAuthor = async (
      event: string,
      repo: string,
      number: number,
      comment: { body: string; user?: { login?: string; type?: string } | null },
    ): Promise<string | undefined> => {
      const author = comment.user?.login ?? '';
      if (comment.user?.type === 'Bot') return void ignore(event, 'written by a bot', { repo, number, author });
      if (settings.mention && !comment.body.includes(settings.mention)) {
        return void ignore(event, `does not mention ${settings.mention}`, { repo, number, author });
      }
      if (!(await canWrite(repo, author))) return void ignore(event, 'author lacks write permission', { repo, number, author });
      return author;
    };
    webhooks.on('issue_comment.created', async ({ payload }) => {
      const repo = payload.repository.full_name;
      const number = payload.issue.number;
      if (!payload.issue.pull_request) return ignore('issue_comment.created', 'not on a pull request', { repo, number });
      const taskId = readTaskMarker(payload.issue.body);
      if (!taskId) return ignore('issue_comment.created', 'not an ampo pull request', { repo, number });
      const author = await acceptedAuthor('issue_comment.created', repo, number, payload.comment);
      if (author === undefined) return;
      events.next({
        type: 'pull-request-comment',
        repo,
        number,
        taskId,
        author,
        body: payload.comment.body,
        commentId: payload.comment.id,
      });
    });
    webhooks.on('pull_request_review_comment.created', async ({ payload }) => {
      const repo = payload.repository.full_name;
      const number = payload.pull_request.number;
      const taskId = readTaskMarker(payload.pull_request.body);
      if (!taskId) return ignore('pull_request_review_comment.created', 'not an ampo pull request', { repo, number });
      const author = await acceptedAuthor('pull_request_review_comment.created', repo, number, payload.comment);
      if (author === undefined) return;
      events.next({
        type: 'pull-request-comment',
        repo,
        number,
        taskId,
        author,
        body: payload.comment.body,
        commentId: payload.comment.id,
        path: payload.comment.path,
        ...(typeof payload.comment.line === 'number' ? { line: payload.comment.line } : {}),
      });
    });
    webhooks.onAny(({ name, payload }) => {
      const action = (payload as { action?: string }).action;
      const handled = [
        'check_run',
        'check_suite',
        'workflow_run',
        'status',
        'pull_request',
        'issue_comment',
        'pull_request_review_comment',
      ];
      if (!handled.includes(name)) ignore(action ? `${name}.${action}` : name, 'not an event ampo acts on');
    });
  }

  const verify = async (payload: string, signature: string) => (webhooks ? webhooks.verify(payload, signature).catch(() => false) : false);

  const receive = async (delivery: WebhookDelivery) => {
    if (!webhooks)
      throw new AmpoError('invalid-input', 'No webhook secret is configured for the GitHub App, so deliveries cannot be verified.');
    if (!(await verify(delivery.payload, delivery.signature))) {
      logger.warn('GitHub webhook with a bad signature rejected', { id: delivery.id, event: delivery.name });
      throw new AmpoError('unauthorized', 'The webhook signature does not match the configured secret.');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(delivery.payload);
    } catch {
      throw new AmpoError('invalid-input', 'The webhook body is not JSON.');
    }
    await webhooks.receive({ id: delivery.id, name: delivery.name as never, payload: payload as never });
  };

  return {
    verify,
    receive,
    async handle(request, response) {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const header = (name: string) => String(request.headers[name] ?? '');
      try {
        await receive({
          id: header('x-github-delivery'),
          name: header('x-github-event'),
          signature: header('x-hub-signature-256'),
          payload: Buffer.concat(chunks).toString('utf8'),
        });
        response.writeHead(202).end();
      } catch (error) {
        const code = AmpoError.isInstance(error) ? error.code : 'internal';
        response.writeHead(code === 'unauthorized' ? 401 : code === 'invalid-input' ? 400 : 500, { 'content-type': 'text/plain' });
        response.end(code === 'unauthorized' ? 'bad signature' : 'not handled');
        if (code !== 'unauthorized' && code !== 'invalid-input')
          logger.error('GitHub webhook handling failed', { message: (error as Error).message });
      }
    },
    events$: events.asObservable(),
  };
};
