import type { ErrorObject } from 'ajv';
import schema from '../../../schemas/multiarch.schema.json';
import { compileSchema } from '../schema';
import { suggestPlatform } from './platform';

const validateSchema = compileSchema(schema);

/** A schema violation, pointing at the value (or at the key, for key problems). */
export interface SchemaProblem {
  path: string[];
  onKey: boolean;
  message: string;
}

export function validateAgainstSchema(value: unknown): SchemaProblem[] {
  if (validateSchema(value)) return [];
  const errors = (validateSchema.errors ?? []).filter(isUseful);
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const e of errors) {
    const p = describe(e, value);
    const key = `${p.path.join('/')}|${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  }
  return problems;
}

// anyOf wrappers repeat what their branches already said.
function isUseful(e: ErrorObject): boolean {
  return e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params.type === 'null');
}

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A value as a message quotes it: a long one abbreviated (a 200 KB value must not become a 200 KB message). */
function shown(value: string): string {
  return value.length > 80 ? `${value.slice(0, 40)}… (${value.length} characters)` : value;
}

function where(path: string[]): string {
  return path.length ? `"${path.join('.')}"` : 'the top level';
}

function describe(e: ErrorObject, root: unknown): SchemaProblem {
  const path = pointerToPath(e.instancePath);
  const value = path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    root,
  );
  const last = path[path.length - 1];
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = allowedKeys(e.schemaPath);
      return {
        path: [...path, key],
        onKey: true,
        message: `unknown key "${key}" in ${where(path)}; expected one of: ${allowed.join(', ')}`,
      };
    }
    case 'propertyNames':
    case 'pattern':
      if (e.keyword === 'propertyNames' || e.propertyName !== undefined) {
        const name = String(e.propertyName ?? e.params.propertyName ?? '');
        const inVariants = path[path.length - 1] === 'variants' || path.length === 1;
        const what = inVariants && path[0] === 'variants' ? 'variant name' : 'build arg name';
        return {
          path: [...path, name],
          onKey: true,
          message: `${what} "${name}" is not allowed; use letters, digits, "_"${what === 'variant name' ? ', "." or "-", starting with a letter or digit' : ', not starting with a digit'}`,
        };
      }
      return { path, onKey: false, message: patternMessage(path, shown(String(value))) };
    case 'type':
      return {
        path,
        onKey: false,
        message: `${where(path)} must be ${article(String(e.params.type))}, not ${typeName(value)}`,
      };
    case 'minItems':
      return {
        path,
        onKey: false,
        message:
          last === 'platforms'
            ? `${where(path)} is empty; list at least one platform, e.g. [linux/amd64, linux/arm64]`
            : `${where(path)} is empty; give at least one entry`,
      };
    case 'minProperties':
      return {
        path,
        onKey: false,
        message: `${where(path)} is empty; define at least one variant, e.g. "default: {}"`,
      };
    case 'minLength':
      return { path, onKey: false, message: `${where(path)} must not be empty` };
    case 'uniqueItems':
      return {
        path,
        onKey: false,
        message: `${where(path)} lists the same entry twice (items ${e.params.j} and ${e.params.i}); remove the duplicate`,
      };
    case 'required': {
      const key = String(e.params.missingProperty);
      return {
        path,
        onKey: false,
        message: `${where(path)} needs "${key}"${path[0] === 'nodes' ? nodeExample : ''}`,
      };
    }
    case 'not':
      if (path[0] === 'nodes' && last === 'name') {
        return {
          path,
          onKey: false,
          message: `node name "local" is reserved for this machine; give the node another name, e.g. arm-box`,
        };
      }
      return { path, onKey: false, message: `${where(path)} ${e.message ?? 'is invalid'}` };
    case 'enum':
      return {
        path,
        onKey: false,
        message: `${where(path)} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`,
      };
    default:
      return { path, onKey: false, message: `${where(path)} ${e.message ?? 'is invalid'}` };
  }
}

const nodeExample =
  '; a node looks like {name: arm-box, engine: podman, endpoint: "ssh://builder@arm-box/run/podman/podman.sock", platforms: [linux/arm64]}';

function patternMessage(path: string[], value: string): string {
  const parent = path[path.length - 2];
  if (parent === 'platforms' || path[path.length - 1] === 'platforms') {
    const hint = suggestPlatform(value);
    return `"${value}" is not a platform; expected os/arch[/variant] such as linux/amd64, linux/arm64 or linux/arm/v7${hint ? ` (did you mean ${hint}?)` : ''}`;
  }
  switch (path[path.length - 1]) {
    case 'image':
      return `"${value}" is not a valid image repository; use lowercase letters, digits, ".", "_", "-" and "/", e.g. acme/app`;
    case 'tag':
      return `"${value}" is not a valid tag; use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`;
    case 'variantArg':
      return `"${value}" is not a valid build arg name; use letters, digits and "_", e.g. QUEUE_BACKEND`;
    case 'name':
      if (path[0] === 'nodes')
        return `node name "${value}" is not allowed; use letters, digits, "_", "." or "-", starting with a letter or digit`;
      return `${where(path)} has an invalid value "${value}"`;
    case 'endpoint':
      return `"${value}" is not an endpoint; use tcp://host:port, ssh://user@host[:port][/path/to/podman.sock], unix:///path/to.sock, or a podman connection / docker context name`;
    case 'registry':
      return `"${value}" is not a registry; expected host[:port][/namespace], e.g. ghcr.io/acme or 127.0.0.1:5000`;
    default:
      return `${where(path)} has an invalid value "${value}"`;
  }
}

function allowedKeys(schemaPath: string): string[] {
  // schemaPath like "#/additionalProperties" or "#/definitions/variant/additionalProperties"
  const parts = schemaPath.replace(/^#\//, '').split('/').slice(0, -1);
  let node: unknown = schema;
  for (const p of parts) node = (node as Record<string, unknown>)[p];
  const props = (node as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.keys(props);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(typeof v === 'string' ? shown(v) : v)}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    array: 'a list',
    object: 'a mapping',
    string: 'a string',
    'string,number,boolean': 'a string',
  };
  return names[type] ?? `a ${type}`;
}
