import Ajv, { type ValidateFunction } from 'ajv';

/** CLI JSON output is checked against a schema before use, so a changed tool fails with a clear message. */
const ajv = new Ajv({ allErrors: false, strict: false });
const cache = new WeakMap<object, ValidateFunction>();

export class OutputParseError extends Error {}

export function parseJsonWith<T>(schema: object, text: string, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new OutputParseError(`${what}: output is not JSON: ${text.slice(0, 200)}`);
  }
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  if (!validate(data)) {
    throw new OutputParseError(`${what}: unexpected output (${ajv.errorsText(validate.errors)})`);
  }
  return data as T;
}

export const str = { type: 'string' } as const;
export const obj = (properties: Record<string, object>, required: string[] = []) =>
  ({ type: 'object', properties, required }) as const;
