// The operations the server's own OpenAPI document describes, with their parameters and JSON body
// schemas resolved (no `$ref` left), so the soak generates requests for every route it serves.

/** The slice of JSON Schema the generators read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  default?: unknown;
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The template: `/api/tasks/{id}`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema, when the operation takes one. */
  body?: JsonSchema;
  bodyRequired: boolean;
  /** It needs a credential (`security` is set). */
  secured: boolean;
  /** Documented as a WebSocket upgrade (101). */
  websocket: boolean;
  responses: string[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface RawOperation {
  parameters?: Array<{ name: string; in: Parameter['in']; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
  responses?: Record<string, unknown>;
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `schema` with every `$ref` replaced by the component it names (cycles cut at depth 20). */
export const resolveSchema = (schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): JsonSchema => {
  if (depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveSchema(components[name] ?? {}, components, depth + 1);
  }
  const resolve = (inner: JsonSchema) => resolveSchema(inner, components, depth + 1);
  return {
    ...schema,
    ...(schema.properties
      ? { properties: Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, resolve(value)])) }
      : {}),
    ...(schema.items ? { items: resolve(schema.items) } : {}),
    ...(typeof schema.additionalProperties === 'object' ? { additionalProperties: resolve(schema.additionalProperties) } : {}),
    ...(schema.anyOf ? { anyOf: schema.anyOf.map(resolve) } : {}),
    ...(schema.oneOf ? { oneOf: schema.oneOf.map(resolve) } : {}),
  };
};

export const operationsOf = (document: OpenApiDocument): Operation[] => {
  const components = document.components?.schemas ?? {};
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!methods.includes(method)) continue;
      const json = raw.requestBody?.content?.['application/json']?.schema;
      const responses = Object.keys(raw.responses ?? {});
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (raw.parameters ?? []).map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: parameter.required ?? parameter.in === 'path',
          schema: resolveSchema(parameter.schema ?? {}, components),
        })),
        ...(json ? { body: resolveSchema(json, components) } : {}),
        bodyRequired: raw.requestBody?.required ?? false,
        secured: (raw.security ?? []).length > 0,
        websocket: responses.includes('101'),
        responses,
      });
    }
  }
  return operations;
};

/** The document the server serves, read without a credential. */
export const fetchOperations = async (url: string): Promise<Operation[]> => {
  const response = await fetch(`${url}/api/openapi.json`);
  if (response.status !== 200) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return operationsOf((await response.json()) as OpenApiDocument);
};
