import { Ajv, type ValidateFunction } from 'ajv';
import type { DriftAllowList, ResponseViolation } from './openapi/response-validator.js';
import webhookExamples from './openapi/webhook-examples.json' with { type: 'json' };

const vendored = webhookExamples as unknown as {
  source: string;
  webhooks: Record<string, Record<string, unknown>>;
  schema: { definitions: Record<string, unknown> };
};

export type WebhookName =
  | 'pull_request.closed'
  | 'issue_comment.created'
  | 'pull_request_review_comment.created'
  | 'check_run.completed'
  | 'check_suite.completed'
  | 'workflow_run.completed';

/** The recorded delivery of `name` from `@octokit/webhooks-examples`, deep-copied: a template. */
export const webhookExample = (name: WebhookName): Record<string, unknown> => {
  const example = vendored.webhooks[name];
  if (!example) throw new Error(`no vendored webhook example ${name}`);
  return structuredClone(example);
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `values` in the shape of `template`: the template's keys only (webhook objects differ from the
 * REST ones and their schemas forbid extra properties), each taking the value from `values` when
 * it has one, recursively; arrays map their items onto the template's first item.
 */
export const overlay = (template: unknown, values: unknown): unknown => {
  if (values === undefined) return template;
  if (isObject(template) && isObject(values)) {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, overlay(value, values[key])]));
  }
  if (Array.isArray(template) && Array.isArray(values)) {
    const [first] = template;
    return first === undefined ? values : values.map((item) => overlay(first, item));
  }
  return values;
};

const reactions = (url: string) => ({
  url: `${url}/reactions`,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0,
});

type Fields = Record<string, unknown>;

/** Adds each of `defaults` that `target` lacks, taking the value from `from` when it has one. */
const fill = (target: unknown, defaults: Fields, from?: unknown) => {
  if (!isObject(target)) return;
  for (const [key, value] of Object.entries(defaults)) {
    if (!(key in target)) target[key] = isObject(from) && key in from ? from[key] : value;
  }
};

const repositoryFields: Fields = {
  is_template: false,
  web_commit_signoff_required: false,
  topics: [],
  visibility: 'private',
  custom_properties: {},
};

/**
 * The recorded examples predate fields that current deliveries carry and the schemas require:
 * they are added here, by name and only where missing, rather than silenced.
 */
export const addFieldsExamplesLack = (name: WebhookName, payload: Fields, values: Fields): void => {
  fill(payload.repository, repositoryFields);
  const pull = payload.pull_request as Fields | undefined;
  if (pull) {
    fill(pull, { active_lock_reason: null });
    fill((pull.head as Fields | undefined)?.repo, repositoryFields);
    fill((pull.base as Fields | undefined)?.repo, repositoryFields);
  }
  const issue = payload.issue as Fields | undefined;
  if (issue) fill(issue, { active_lock_reason: null, reactions: reactions(String(issue.url)) });
  const comment = payload.comment as Fields | undefined;
  if (comment && name === 'issue_comment.created')
    fill(comment, { performed_via_github_app: null, reactions: reactions(String(comment.url)) });
  if (comment && name === 'pull_request_review_comment.created') {
    fill(
      comment,
      {
        line: null,
        original_line: null,
        start_line: null,
        original_start_line: null,
        side: 'RIGHT',
        start_side: null,
        reactions: reactions(String(comment.url)),
      },
      values.comment,
    );
  }
  const workflowRun = payload.workflow_run as Fields | undefined;
  if (workflowRun)
    fill(workflowRun, { actor: payload.sender, triggering_actor: payload.sender, display_title: '', path: '' }, values.workflow_run);
};

/** Known drift between GitHub's deliveries and `@octokit/webhooks-schemas`: webhook → JSON pointers (`*` = index). */
export const knownWebhookDrift: DriftAllowList = {};

const pointerPattern = (pointer: string) =>
  new RegExp(
    `^${pointer
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\d+')}$`,
  );

/** Validates webhook payloads against `@octokit/webhooks-schemas` (vendored). */
export const createWebhookValidator = (allow: DriftAllowList = knownWebhookDrift) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-template', /^[^\s]*$/);
  ajv.addSchema({ $id: 'webhooks', definitions: vendored.schema.definitions });
  const compiled = new Map<string, ValidateFunction>();
  return (name: WebhookName, payload: unknown): ResponseViolation | undefined => {
    let validate = compiled.get(name);
    if (!validate) {
      validate = ajv.compile({ $ref: `webhooks#/definitions/${name.replace('.', '$')}` });
      compiled.set(name, validate);
    }
    if (validate(payload)) return undefined;
    const allowed = (allow[name] ?? []).map(pointerPattern);
    const errors = (validate.errors ?? [])
      .filter((error) => !allowed.some((pattern) => pattern.test(error.instancePath)))
      .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    return errors.length > 0 ? { operation: `webhook ${name}`, status: 0, errors } : undefined;
  };
};
