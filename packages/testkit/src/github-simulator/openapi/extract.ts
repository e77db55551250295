/**
 * Vendors the slice of GitHub's official OpenAPI description (`@octokit/openapi`) that the
 * simulator serves, so that CI validates every response without installing the 400 MB package.
 *
 *   npm install --prefix /tmp/openapi-scratch @octokit/openapi@<version> @octokit/webhooks-examples@<version> @octokit/webhooks-schemas@<version>
 *   npx tsx packages/testkit/src/github-simulator/openapi/extract.ts /tmp/openapi-scratch/node_modules
 *
 * Writes `github-subset.json` (response schemas, converted for ajv 8, and the official examples the
 * simulator builds its payloads from) and `webhook-examples.json` (recorded deliveries and the
 * JSON schemas their payloads must satisfy) beside this file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every operation the simulator answers. Keep in step with the routes in `routes.ts`. */
export const vendoredOperations = [
  'GET /repos/{owner}/{repo}/installation',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /repos/{owner}/{repo}',
  'GET /repos/{owner}/{repo}/git/ref/{ref}',
  'GET /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/pulls',
  'GET /repos/{owner}/{repo}/pulls/{pull_number}',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-suites',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
  'GET /repos/{owner}/{repo}/commits/{ref}/status',
  'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
  'GET /repos/{owner}/{repo}/actions/runs',
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
  'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
  'POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs',
  'GET /repos/{owner}/{repo}/compare/{basehead}',
] as const;

/** Schemas for error bodies, which operations reference through `components/responses`. */
const extraSchemas = ['basic-error', 'validation-error', 'validation-error-simple'];

/** Webhook examples the simulator starts its deliveries from: `event.action`. */
const vendoredWebhooks = [
  'pull_request.closed',
  'issue_comment.created',
  'pull_request_review_comment.created',
  'check_run.completed',
  'check_suite.completed',
  'workflow_run.completed',
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** OpenAPI 3.0 `nullable` is not JSON Schema: turn it into a `null` type ajv 8 understands. */
export const convertNullable = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convertNullable(schema)]));
    } else out[key] = convertNullable(value);
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
};

const collectRefs = (node: Json, found: Set<string>) => {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else collectRefs(value, found);
    }
  }
};

const main = () => {
  const modules = process.argv[2];
  if (!modules) throw new Error('usage: extract.ts <node_modules dir holding @octokit/openapi and @octokit/webhooks-examples>');
  const openapiPackage = JSON.parse(readFileSync(join(modules, '@octokit/openapi/package.json'), 'utf8'));
  const examplesPackage = JSON.parse(readFileSync(join(modules, '@octokit/webhooks-examples/package.json'), 'utf8'));
  const spec = JSON.parse(readFileSync(join(modules, '@octokit/openapi/generated/api.github.com.json'), 'utf8'));
  const resolve = (ref: string): JsonObject => {
    const parts = ref.replace(/^#\//, '').split('/');
    let node = spec;
    for (const part of parts) node = node[part];
    if (!node) throw new Error(`unresolved ${ref}`);
    return node;
  };

  const operations: JsonObject = {};
  const schemaRefs = new Set<string>(extraSchemas.map((name) => `#/components/schemas/${name}`));
  for (const key of vendoredOperations) {
    const [method, path] = key.split(' ') as [string, string];
    const operation = spec.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`no operation ${key}`);
    const responses: JsonObject = {};
    for (const [status, raw] of Object.entries(operation.responses as JsonObject)) {
      const response = (raw as JsonObject).$ref ? resolve((raw as JsonObject).$ref as string) : (raw as JsonObject);
      const media = (response.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined;
      const schema = media?.schema ?? null;
      const examples = (media?.examples ?? {}) as JsonObject;
      const example = Object.values(examples)[0] as JsonObject | undefined;
      const exampleValue = example ? (example.$ref ? resolve(example.$ref as string).value : example.value) : null;
      if (schema) collectRefs(schema, schemaRefs);
      responses[status] = { schema: schema ? convertNullable(schema) : null, example: exampleValue ?? null };
    }
    operations[key] = { operationId: operation.operationId, responses };
  }

  const schemas: JsonObject = {};
  const pending = [...schemaRefs];
  while (pending.length > 0) {
    const ref = pending.pop() as string;
    const name = ref.replace('#/components/schemas/', '');
    if (name in schemas) continue;
    const schema = resolve(ref);
    const nested = new Set<string>();
    collectRefs(schema, nested);
    pending.push(...nested);
    schemas[name] = convertNullable(schema);
  }

  const here = dirname(fileURLToPath(import.meta.url));
  const subset = {
    source: `@octokit/openapi@${openapiPackage.version} generated/api.github.com.json (OpenAPI ${spec.openapi}, ${spec.info.version})`,
    converted: 'OpenAPI 3.0 nullable turned into JSON Schema null types for ajv 8',
    operations,
    components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) },
  };
  writeFileSync(join(here, 'github-subset.json'), `${JSON.stringify(subset)}\n`);

  const hooks = JSON.parse(readFileSync(join(modules, '@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as Array<{
    name: string;
    examples: JsonObject[];
  }>;
  const webhooks: JsonObject = {};
  for (const key of vendoredWebhooks) {
    const [name, action] = key.split('.') as [string, string];
    const example = hooks.find((hook) => hook.name === name)?.examples.find((candidate) => candidate.action === action);
    if (!example) throw new Error(`no webhook example ${key}`);
    webhooks[key] = example;
  }
  const schemasPackage = JSON.parse(readFileSync(join(modules, '@octokit/webhooks-schemas/package.json'), 'utf8'));
  const webhookSchema = JSON.parse(readFileSync(join(modules, '@octokit/webhooks-schemas/schema.json'), 'utf8'));
  const definitions: JsonObject = {};
  const pendingDefinitions = vendoredWebhooks.map((key) => `#/definitions/${key.replace('.', '$')}`);
  while (pendingDefinitions.length > 0) {
    const ref = pendingDefinitions.pop() as string;
    const name = ref.replace('#/definitions/', '');
    if (name in definitions) continue;
    const definition = webhookSchema.definitions[name];
    if (!definition) throw new Error(`no webhook schema ${name}`);
    const nested = new Set<string>();
    collectRefs(definition, nested);
    pendingDefinitions.push(...nested);
    definitions[name] = definition;
  }
  writeFileSync(
    join(here, 'webhook-examples.json'),
    `${JSON.stringify({
      source: `@octokit/webhooks-examples@${examplesPackage.version} api.github.com/index.json`,
      schemaSource: `@octokit/webhooks-schemas@${schemasPackage.version} schema.json`,
      webhooks,
      schema: { definitions },
    })}\n`,
  );
  console.log(
    `vendored ${vendoredOperations.length} operations, ${Object.keys(schemas).length} schemas, ${vendoredWebhooks.length} webhooks`,
  );
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
