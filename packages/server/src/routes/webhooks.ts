import { createHash } from 'node:crypto';
import type { GitHubWebhooks } from '@ampo/adapter-github';
import { AmpoError } from '@ampo/core';
import { Hono } from 'hono';
import type { ServerContext } from '../server-context.js';
import type { ServerEnv } from '../server-env.js';

export interface GitHubWebhookSettings {
  /**
   * The GitHub App's webhooks (`createGitHubApp(…).webhooks`): they verify each delivery with the
   * App's secret, and what they report (writers' comments, closed pull requests) is applied to the
   * tasks by the server (see `routeGitHubEvents`).
   */
  webhooks: Pick<GitHubWebhooks, 'verify' | 'receive' | 'events$'>;
  /** Deliveries remembered to tell a redelivery from a new one. @default 10_000 */
  rememberedDeliveries?: number;
}

/** A bounded set: the oldest entries leave first. */
const boundedSet = (capacity: number) => {
  const entries = new Set<string>();
  return {
    has: (key: string) => entries.has(key),
    add(key: string) {
      entries.add(key);
      if (entries.size > capacity) entries.delete(entries.values().next().value as string);
    },
  };
};

/**
 * `POST /api/webhooks/github`. The signature is checked over the raw body before anything else
 * (401 and nothing handled when it is wrong or missing). A verified delivery seen before, by its
 * `X-GitHub-Delivery` or by its body, is answered 202 and not handled again: GitHub redelivers,
 * and a captured delivery replayed under a new id (the id is not signed) has the same body.
 */
export const webhookRoutes = (context: ServerContext, settings: GitHubWebhookSettings | undefined) => {
  const app = new Hono<ServerEnv>();
  const seen = boundedSet(settings?.rememberedDeliveries ?? 10_000);
  app.post('/api/webhooks/github', async (c) => {
    if (!settings) throw new AmpoError('not-found', 'This server has no GitHub App configured, so it takes no GitHub webhooks.');
    const id = c.req.header('x-github-delivery') ?? '';
    const name = c.req.header('x-github-event') ?? '';
    const signature = c.req.header('x-hub-signature-256') ?? '';
    if (!signature) throw new AmpoError('unauthorized', 'The delivery has no X-Hub-Signature-256.');
    if (!/^[\w.-]{1,100}$/.test(name) || !/^[\w-]{1,100}$/.test(id)) {
      throw new AmpoError('invalid-input', 'X-GitHub-Event and X-GitHub-Delivery must be set as GitHub sets them.');
    }
    const payload = await c.req.text();
    if (!(await settings.webhooks.verify(payload, signature))) {
      context.logger.warn('GitHub delivery with a bad signature refused', { id, event: name });
      throw new AmpoError('unauthorized', 'The webhook signature does not match the App’s webhook secret.');
    }
    const bodyKey = `body:${createHash('sha256').update(payload).digest('hex')}`;
    if (seen.has(`id:${id}`) || seen.has(bodyKey)) {
      context.logger.info('GitHub delivery seen before, not handled again', { id, event: name });
      return c.body(null, 202);
    }
    await settings.webhooks.receive({ id, name, signature, payload });
    seen.add(`id:${id}`);
    seen.add(bodyKey);
    return c.body(null, 202);
  });
  return app;
};
