import { parseReference, ReferenceError } from '../reference';

/** Tag templates: `{image}:{tag}-{variant}` and friends. */
export const multiPlatformPlaceholders = ['image', 'tag', 'variant', 'registry'] as const;
export const perPlatformPlaceholders = [...multiPlatformPlaceholders, 'arch', 'os', 'platform'] as const;

const placeholder = /\{([^{}]*)\}/g;

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(placeholder)].map((m) => m[1]!);
}

export function renderTemplate(template: string, values: Record<string, string | undefined>): string {
  return template.replace(placeholder, (_, name: string) => values[name] ?? '').replace(/^\//, '');
}

/** Why `ref` cannot be given to an engine's `-t` (a name with an optional tag, no digest), or undefined when it can. */
export function tagProblem(ref: string): string | undefined {
  try {
    return parseReference(ref).digest !== undefined ? 'a tag cannot carry a digest' : undefined;
  } catch (err) {
    if (err instanceof ReferenceError) return err.reason;
    throw err;
  }
}
