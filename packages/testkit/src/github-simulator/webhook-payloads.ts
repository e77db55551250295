import webhookExamples from './openapi/webhook-examples.json' with { type: 'json' };

const vendored = webhookExamples as unknown as { source: string; webhooks: Record<string, Record<string, unknown>> };

export type WebhookName =
  | 'pull_request.closed'
  | 'issue_comment.created'
  | 'check_run.completed'
  | 'check_suite.completed'
  | 'workflow_run.completed';

/**
 * A webhook payload: GitHub's recorded example for `name` (from `@octokit/webhooks-examples`),
 * with the simulator's objects laid over its top-level fields.
 */
export const buildWebhookPayload = (name: WebhookName, fields: Record<string, unknown>): Record<string, unknown> => {
  const example = vendored.webhooks[name];
  if (!example) throw new Error(`no vendored webhook example ${name}`);
  const payload: Record<string, unknown> = { ...structuredClone(example), ...fields };
  // Examples from organisation-less repos carry no organization; ours never have one.
  delete payload.organization;
  delete payload.enterprise;
  return payload;
};
