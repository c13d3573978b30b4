import { ajv, compileSchema } from '../schema';

/** CLI JSON output is checked against a schema before use, so a changed tool fails with a clear message. */
export class OutputParseError extends Error {}

export function parseJsonWith<T>(schema: object, text: string, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new OutputParseError(`${what}: output is not JSON: ${text.slice(0, 200)}`);
  }
  const validate = compileSchema(schema);
  if (!validate(data)) {
    throw new OutputParseError(`${what}: unexpected output (${ajv().errorsText(validate.errors?.slice(0, 1))})`);
  }
  return data as T;
}

export const str = { type: 'string' } as const;
export const obj = (properties: Record<string, object>, required: string[] = []) =>
  ({ type: 'object', properties, required }) as const;
