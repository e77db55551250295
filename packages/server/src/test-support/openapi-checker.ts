import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
}

/**
 * Checks responses against the server's own OpenAPI document: the operation is found by method
 * and path template, the response by status, its schema by content type. A response the document
 * does not describe is a failure too.
 */
export const createOpenApiChecker = (document: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  // Response schemas refer to '#/components/...': make those refs point into the document.
  ajv.addSchema({ $id: 'openapi', components: document.components ?? {} });
  const compiled = new Map<string, ValidateFunction>();
  const templates = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  let checked = 0;

  const operationFor = (method: string, path: string) => {
    const match = templates.find(({ pattern }) => pattern.test(path));
    return match ? { template: match.template, operation: document.paths[match.template]?.[method.toLowerCase()] } : undefined;
  };

  return {
    get checked() {
      return checked;
    },
    /** Throws with a readable reason when the response does not match the document. */
    check(method: string, path: string, status: number, contentType: string | null, body: unknown): void {
      const found = operationFor(method, path);
      if (!found?.operation) throw new Error(`${method} ${path} is not in the OpenAPI document`);
      const response = found.operation.responses?.[String(status)];
      if (!response) throw new Error(`${method} ${found.template} answered ${status}, which the document does not list`);
      checked += 1;
      if (!response.content) return;
      const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
      const media = response.content[mediaType];
      if (!media)
        throw new Error(
          `${method} ${found.template} ${status} answered ${mediaType || 'no content type'}, not ${Object.keys(response.content).join(' or ')}`,
        );
      if (media.schema === undefined) return;
      const key = `${method} ${found.template} ${status} ${mediaType}`;
      let validate = compiled.get(key);
      if (!validate) {
        const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"openapi#/components/'));
        validate = ajv.compile(schema);
        compiled.set(key, validate);
      }
      if (!validate(body)) {
        throw new Error(
          `${key}: the body does not match the document: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${JSON.stringify(body).slice(0, 500)}`,
        );
      }
    },
  };
};
export type OpenApiChecker = ReturnType<typeof createOpenApiChecker>;
