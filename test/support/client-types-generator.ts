// Writes src/client/generated-types.ts from the OpenAPI document: request and answer types per endpoint,
// webhook payload types, the status codes, and one method per endpoint. test/client-types.test.ts checks
// that the committed file is what the document gives, so the client cannot drift from the routes.
type Schema = Record<string, any>;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A JSON Schema (the subset TypeBox and the document use) as a TypeScript type. */
export function typeOf(schema: Schema | undefined, indent = ''): string {
  if (schema === undefined || Object.keys(schema).filter((k) => k !== 'description' && k !== 'title').length === 0) return 'unknown';
  if (schema.$ref) return String(schema.$ref).split('/').pop()!;
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return (schema.enum as unknown[]).map((value) => JSON.stringify(value)).join(' | ');
  if (schema.anyOf || schema.oneOf) return `(${((schema.anyOf ?? schema.oneOf) as Schema[]).map((each) => typeOf(each, indent)).join(' | ')})`;
  if (schema.allOf) return `(${(schema.allOf as Schema[]).map((each) => typeOf(each, indent)).join(' & ')})`;
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${typeOf(schema.items, indent)}>`;
    case 'object':
      return objectType(schema, indent);
    default:
      return 'unknown';
  }
}

function objectType(schema: Schema, indent: string): string {
  const required = new Set<string>(schema.required ?? []);
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  if (properties.length === 0 && schema.patternProperties) {
    const [inner] = Object.values(schema.patternProperties as Record<string, Schema>);
    return `Record<string, ${typeOf(inner, indent)}>`;
  }
  const inner = `${indent}  `;
  const lines = properties.map(([name, property]) => {
    const comment = property.description ? `${inner}/** ${String(property.description).replaceAll('*/', '*\\/')} */\n` : '';
    return `${comment}${inner}${key(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, inner)};`;
  });
  if (schema.additionalProperties === true || (schema.additionalProperties === undefined && properties.length === 0)) lines.push(`${inner}[field: string]: unknown;`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function camel(pascal: string): string {
  return pascal[0]!.toLowerCase() + pascal.slice(1);
}

export function generateClientTypes(document: Schema): string {
  const schemas = document.components.schemas as Record<string, Schema>;
  const out: string[] = [
    '// Generated from the gateway\'s /openapi.json by test/client-types.test.ts; do not edit by hand.',
    '// Rewrite it with `npm run generate:client` after changing a route, its schema or its doc.',
    '/* eslint-disable */',
    '',
  ];
  const codes = Object.keys(schemas)
    .filter((name) => name.startsWith('PickyStatus'))
    .map((name) => schemas[name]!);
  out.push(`/** Every \`status\` a Switchboard answer carries. */`);
  out.push(`export type PickyStatusCode = ${codes.map((schema) => schema.properties.status.const).join(' | ')};`, '');
  out.push('/** The message the contract gives each status. */');
  out.push(`export const PICKY_STATUS_MESSAGES = {\n${codes.map((schema) => `  ${schema.properties.status.const}: ${JSON.stringify(schema.properties.message.const)},`).join('\n')}\n} as const;`, '');
  for (const [name, schema] of Object.entries(schemas)) {
    if (name.startsWith('PickyStatus')) continue;
    if (schema.description) out.push(`/** ${schema.description} */`);
    // The client adds the token (master or project) unless a call gives its own.
    const shown = name.endsWith('Request') ? { ...schema, required: (schema.required ?? []).filter((field: string) => field !== 'token') } : schema;
    out.push(`export type ${name} = ${typeOf(shown)};`, '');
  }
  const operations = Object.entries(document.paths as Record<string, Schema>)
    .filter(([path]) => path.startsWith('/api/v2/'))
    .map(([path, item]) => ({ endpoint: path.slice('/api/v2/'.length), operation: item.post as Schema }));
  out.push('/** Every endpoint: the token it takes and the statuses it can answer. */');
  out.push('export const ENDPOINTS = {');
  for (const { endpoint, operation } of operations) {
    const auth = String(operation.description).includes("the account's master token") ? 'master' : 'project';
    out.push(`  ${JSON.stringify(endpoint)}: { auth: '${auth}', codes: [${(operation['x-picky-status-codes'] as number[]).join(', ')}] },`);
  }
  out.push('} as const;', '');
  out.push('export type EndpointName = keyof typeof ENDPOINTS;', '');
  out.push('/** Request and success answer of each endpoint. */');
  out.push('export interface EndpointTypes {');
  for (const { endpoint, operation } of operations) {
    const name = operation.operationId[0].toUpperCase() + operation.operationId.slice(1);
    out.push(`  ${JSON.stringify(endpoint)}: { request: ${name}Request; answer: ${name}Answer };`);
  }
  out.push('}', '');
  out.push("export type RequestOf<E extends EndpointName> = EndpointTypes[E]['request'];", '');
  out.push('export interface CallOptions {', '  /** Sent as the Idempotency-Key header (push): a retry gets the first answer. */', '  idempotencyKey?: string;', '  signal?: AbortSignal;', '}', '');
  out.push('/** One method per endpoint, each a typed `call`. */');
  out.push('export abstract class SwitchboardEndpoints {');
  out.push("  abstract call<E extends EndpointName>(endpoint: E, request: RequestOf<E>, options?: CallOptions): Promise<EndpointTypes[E]['answer']>;", '');
  for (const { endpoint, operation } of operations) {
    out.push(`  /** ${String(operation.summary).replaceAll('*/', '*\\/')} */`);
    out.push(`  ${camel(operation.operationId)}(request: RequestOf<${JSON.stringify(endpoint)}>, options?: CallOptions): Promise<EndpointTypes[${JSON.stringify(endpoint)}]['answer']> {`);
    out.push(`    return this.call(${JSON.stringify(endpoint)}, request, options);`, '  }', '');
  }
  out.push('}', '');
  return out.join('\n');
}
