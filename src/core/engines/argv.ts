/**
 * Small composable pieces for building CLI argv arrays. Every value stays one argv element, so nothing a user
 * writes in a config (quotes, `$`, `;`, spaces) is ever interpreted by a shell.
 */
export type ArgPart = string[];

export function flag(name: string, on = true): ArgPart {
  return on ? [name] : [];
}

export function named(name: string, value: string | undefined): ArgPart {
  return value === undefined || value === '' ? [] : [name, value];
}

export function repeated(name: string, values: Iterable<string>): ArgPart {
  const out: string[] = [];
  for (const v of values) out.push(name, v);
  return out;
}

export function buildArgs(args: Record<string, string>): ArgPart {
  return repeated(
    '--build-arg',
    Object.entries(args).map(([k, v]) => `${k}=${v}`),
  );
}

export function compose(...parts: ArgPart[]): string[] {
  return parts.flat();
}
