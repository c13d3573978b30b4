// The one Ajv instance: config validation, engine/CLI output parsing, OCI documents and the state files all
// compile their JSON Schemas here, so formats, options and compiled validators are shared, not rebuilt.
// Both the instance and each validator are made on first use: building Ajv compiles its meta-schema and
// the config schema's validator is large, and modules declare their validators at load time, so doing it
// eagerly was most of what loading the extension cost (bench/README.md, activation).
import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';

let instance: Ajv | undefined;

/** The one Ajv. allErrors: the config reports every problem at once; the others read only the first error.
 * strict off: several schemas use `nullable` with JSONSchemaType and the config schema carries editor keywords. */
export function ajv(): Ajv {
  return (instance ??= new Ajv({ allErrors: true, strict: false }));
}

const compiled = new WeakMap<object, ValidateFunction>();

function compiledOf(schema: AnySchema): ValidateFunction {
  const key = schema as object;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv().compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** The validator for `schema`, compiled once per schema object on its first call; `errors` are the last call's. */
export function compileSchema<T>(schema: AnySchema): ValidateFunction<T> {
  const validate = ((data: unknown) => {
    const real = compiledOf(schema);
    const ok = real(data);
    validate.errors = real.errors as ErrorObject[] | null | undefined;
    return ok;
  }) as ValidateFunction<T>;
  return validate;
}

/** `"/cells/x/0 must have required property 'status'"`: the first error, short enough for one line. */
export function firstError(validate: ValidateFunction): string {
  const e = validate.errors?.[0];
  return e ? `${e.instancePath || '/'} ${e.message ?? ''}`.trim() : 'unexpected shape';
}
