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

// From the distribution reference grammar: [host[:port]/]path[:tag][@digest], lowercase path.
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const host = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?';
const referencePattern = new RegExp(`^${host}${pathComponent}(?:/${pathComponent})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`);

/** True when `ref` is a valid image reference (name[:tag]) an engine will accept for `-t`. */
export function isValidReference(ref: string): boolean {
  return ref.length <= 255 && referencePattern.test(ref);
}
