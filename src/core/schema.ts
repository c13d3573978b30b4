// The one Ajv instance: config validation, engine/CLI output parsing, OCI documents and the state files all
// compile their JSON Schemas here, so formats, options and compiled validators are shared, not rebuilt.
import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';

// allErrors: the config reports every problem at once; the others read only the first error.
// strict off: several schemas use `nullable` with JSONSchemaType and the config schema carries editor keywords.
export const ajv = new Ajv({ allErrors: true, strict: false });

const compiled = new WeakMap<object, ValidateFunction>();

/** The validator for `schema`, compiled once per schema object. */
export function compileSchema<T>(schema: AnySchema): ValidateFunction<T> {
  const key = schema as object;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate as ValidateFunction<T>;
}

/** `"/cells/x/0 must have required property 'status'"`: the first error, short enough for one line. */
export function firstError(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? ''}`.trim() : 'unexpected shape';
}
