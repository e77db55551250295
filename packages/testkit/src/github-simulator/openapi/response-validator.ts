import { Ajv, type ValidateFunction } from 'ajv';
// Imported, not read from disk: bundlers inline it, so the built package carries it.
import vendoredSubset from './github-subset.json' with { type: 'json' };

interface VendoredResponse {
  schema: unknown;
  example: unknown;
}
interface VendoredSubset {
  source: string;
  operations: Record<string, { operationId: string; responses: Record<string, VendoredResponse> }>;
  components: { schemas: Record<string, unknown> };
}

/** GitHub's published description, as vendored by `extract.ts`. */
export const githubSubset = vendoredSubset as unknown as VendoredSubset;

/**
 * Known drift between GitHub's behaviour and its schemas: `operation` → JSON pointers of the
 * values allowed to differ (`*` stands for an array index).
 */
export type DriftAllowList = Readonly<Record<string, readonly string[]>>;

/** Drift we know of and accept explicitly; everything else fails the test. */
export const knownDrift: DriftAllowList = {
  // GitHub sets the `stale` conclusion itself (after 14 days incomplete), but the enum lacks it.
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': ['/check_runs/*/conclusion'],
  'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs': ['/jobs/*/conclusion'],
};

const pointerPattern = (pointer: string) =>
  new RegExp(
    `^${pointer
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\d+')}$`,
  );

export interface ResponseViolation {
  operation: string;
  status: number;
  errors: string[];
}

/** The official example of an operation's response, deep-copied: a template for payloads. */
export const officialExample = <T = Record<string, unknown>>(operation: string, status = 200): T => {
  const example = githubSubset.operations[operation]?.responses[String(status)]?.example;
  if (example === undefined || example === null) throw new Error(`no official example for ${operation} ${status}`);
  return structuredClone(example) as T;
};

/** Validates response bodies against the operation's schema in GitHub's OpenAPI description. */
export const createResponseValidator = (allow: DriftAllowList = knownDrift) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isSafeInteger(value) });
  ajv.addSchema({ $id: 'github', components: githubSubset.components });
  const compiled = new Map<string, ValidateFunction | null>();

  const validatorFor = (operation: string, status: number): ValidateFunction | null => {
    const key = `${operation} ${status}`;
    if (compiled.has(key)) return compiled.get(key) ?? null;
    const responses = githubSubset.operations[operation]?.responses;
    if (!responses) throw new Error(`the simulator answered ${operation}, which extract.ts did not vendor`);
    const declared = responses[String(status)];
    // Error bodies of undeclared statuses still have GitHub's error shape.
    const schema = declared ? declared.schema : status >= 400 ? { $ref: 'github#/components/schemas/basic-error' } : null;
    const validate = schema ? ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"github#/components/'))) : null;
    compiled.set(key, validate);
    return validate;
  };

  return (operation: string, status: number, body: unknown): ResponseViolation | undefined => {
    if (status === 304 || status === 302 || status === 204) return undefined;
    const validate = validatorFor(operation, status);
    if (!validate || validate(body)) return undefined;
    const allowed = (allow[operation] ?? []).map(pointerPattern);
    const errors = (validate.errors ?? [])
      .filter((error) => !allowed.some((pattern) => pattern.test(error.instancePath)))
      .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
    return errors.length > 0 ? { operation, status, errors } : undefined;
  };
};
