import { isAbsolute, resolve } from 'node:path';
import { duplicateNodeNames, mergeNodes } from './nodes';
import type {
  ConfigOptions,
  RawConfig,
  RawVariant,
  ResolvedConfig,
  ResolvedVariant,
  VerifyCheck,
  VerifyConfig,
} from './types';
import { tryParseReference } from '../reference';
import { multiPlatformPlaceholders, perPlatformPlaceholders, placeholdersIn, renderTemplate, tagProblem } from './tags';

export const defaultTagTemplate = '{image}:{tag}-{variant}';
export const defaultArchTagTemplate = '{image}:{tag}-{variant}-{arch}';
export const defaultVerifyCommand = ['uname', '-m'];
/** Name of the check that runs `verify.command` (or `uname -m`). */
export const ARCHITECTURE_CHECK = 'architecture';
export const defaultPlatforms = ['linux/amd64', 'linux/arm64'];

interface SemanticProblem {
  path: string[];
  message: string;
}

/** Checks the schema cannot express: placeholders in tag templates and the references they render to. */
export function semanticProblems(raw: RawConfig): SemanticProblem[] {
  const problems: SemanticProblem[] = [...commandLineProblems(raw, [])];
  if (problems.length) return problems;
  const checkTemplates = (templates: string[] | undefined, base: string[], allowed: readonly string[]) => {
    templates?.forEach((t, i) => {
      const path = templates === undefined ? base : [...base, String(i)];
      for (const name of placeholdersIn(t)) {
        if (!allowed.includes(name)) {
          problems.push({
            path,
            message: `tag template "${t}" uses unknown placeholder {${name}}; allowed: ${allowed.map((a) => `{${a}}`).join(' ')}`,
          });
        }
      }
    });
  };
  checkTemplates(raw.tags, ['tags'], multiPlatformPlaceholders);
  if (raw.archTag !== undefined) {
    for (const name of placeholdersIn(raw.archTag)) {
      if (!(perPlatformPlaceholders as readonly string[]).includes(name)) {
        problems.push({
          path: ['archTag'],
          message: `tag template "${raw.archTag}" uses unknown placeholder {${name}}; allowed: ${perPlatformPlaceholders.map((a) => `{${a}}`).join(' ')}`,
        });
      }
    }
  }
  for (const [name, v] of Object.entries(raw.variants ?? {})) {
    checkTemplates(v?.tags, ['variants', name, 'tags'], multiPlatformPlaceholders);
  }
  problems.push(...checkProblems(raw.verify, ['verify']));
  problems.push(...duplicateNodeNames(raw.nodes, ['nodes']));
  for (const [name, v] of Object.entries(raw.variants ?? {}))
    problems.push(...checkProblems(v?.verify, ['variants', name, 'verify']));
  if (problems.length) return problems;

  // Render every tag with a sample platform so a bad character (";", spaces, uppercase) is caught before any build.
  const resolved = resolveConfig(raw, { root: '/' });
  for (const v of resolved.variants) {
    const fromVariant = raw.variants?.[v.name]?.tags !== undefined;
    v.tags.forEach((t, i) => {
      const ref = renderTemplate(t, templateValues(resolved, v.name));
      const problem = tagProblem(ref) ?? upperCaseHost(ref);
      if (problem) {
        problems.push({
          path: fromVariant ? ['variants', v.name, 'tags', String(i)] : raw.tags ? ['tags', String(i)] : ['image'],
          message: `tag "${t}" renders to "${ref}" for variant "${v.name}", which is not a valid image reference (${problem}); use lowercase repository names and tags of letters, digits, "_", "." and "-"`,
        });
      }
    });
    for (const platform of v.platforms) {
      const ref = renderTemplate(v.archTag, templateValues(resolved, v.name, platform));
      const problem = tagProblem(ref);
      if (problem) {
        problems.push({
          path: raw.archTag !== undefined ? ['archTag'] : ['image'],
          message: `per-platform tag "${v.archTag}" renders to "${ref}" for ${v.name} on ${platform}, which is not a valid image reference (${problem})`,
        });
        break;
      }
    }
  }
  return problems;
}

/** Longest string a config value may be: every value ends up in one argument, and Linux caps one at 128 KiB. */
export const MAX_VALUE_LENGTH = 65_536;

/**
 * Values no command line can carry, found before any engine runs: a NUL (an argv string ends there), or a
 * string over MAX_VALUE_LENGTH (the engine would fail with E2BIG). Every key and every build arg is walked.
 */
function commandLineProblems(value: unknown, path: string[]): SemanticProblem[] {
  if (typeof value === 'string') {
    if (value.includes('\0'))
      return [{ path, message: `${where(path)} contains a NUL character, which no command line can carry; remove it` }];
    if (value.length > MAX_VALUE_LENGTH)
      return [
        {
          path,
          message: `${where(path)} is ${value.length} characters, over the limit of ${MAX_VALUE_LENGTH}; pass large data as a file in the build context (COPY) or a secret instead`,
        },
      ];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => commandLineProblems(v, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [
      ...(k.includes('\0') ? [{ path: [...path, k], message: `a key contains a NUL character; remove it` }] : []),
      ...commandLineProblems(v, [...path, k]),
    ]);
  return [];
}

const where = (path: string[]) => (path.length ? `"${path.join('.')}"` : 'the config');

/** Registry hosts are case-insensitive, but podman refuses an upper-case one ("repository name must be lowercase"). */
function upperCaseHost(ref: string): string | undefined {
  const host = tryParseReference(ref)?.domain;
  return host && host !== host.toLowerCase() ? `the registry host "${host}" has upper-case letters` : undefined;
}

export function templateValues(
  config: ResolvedConfig,
  variant: string,
  platform?: string,
): Record<string, string | undefined> {
  const [os, arch, archVariant] = platform?.split('/') ?? [];
  return {
    image: config.image,
    tag: config.tag,
    variant,
    registry: config.registry,
    os,
    arch: arch && archVariant && arch === 'arm' ? `arm${archVariant}` : arch,
    platform: platform?.replace(/\//g, '-'),
  };
}

function stringArgs(args: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(args ?? {}).map(([k, v]) => [k, String(v)]));
}

/**
 * A variant's checks: its own `checks` (else the top-level ones), after the architecture check, which runs
 * `command` (the variant's, else the top-level one) and is left out only when checks are given without one.
 */
export function resolveChecks(own: VerifyConfig | undefined, top: VerifyConfig | undefined): VerifyCheck[] {
  const checks = own?.checks ?? top?.checks ?? [];
  const command = own?.command ?? top?.command;
  if (checks.length && !command) return checks;
  return [{ name: ARCHITECTURE_CHECK, command: command ?? defaultVerifyCommand }, ...checks];
}

function checkProblems(verify: VerifyConfig | undefined, base: string[]): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const seen = new Set<string>(verify?.command ? [ARCHITECTURE_CHECK] : []);
  verify?.checks?.forEach((c, i) => {
    if (seen.has(c.name)) {
      problems.push({
        path: [...base, 'checks', String(i), 'name'],
        message: `check name "${c.name}" is used twice${c.name === ARCHITECTURE_CHECK ? ' (verify.command is the "architecture" check)' : ''}; give each check its own name`,
      });
    }
    seen.add(c.name);
    if (c.expect === undefined) return;
    try {
      new RegExp(c.expect, 'm');
    } catch (err) {
      problems.push({
        path: [...base, 'checks', String(i), 'expect'],
        message: `expect is not a valid regular expression: ${(err as Error).message}; escape special characters with a backslash (\\. for a dot)`,
      });
    }
  });
  return problems;
}

/** Applies defaults and makes paths absolute. `raw` must already be schema-valid. */
export function resolveConfig(
  raw: RawConfig,
  { root, file, ...opts }: ConfigOptions & { root: string; file?: string | undefined },
): ResolvedConfig {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const variantsRaw: Record<string, RawVariant | null> = raw.variants ?? { default: {} };
  const image = raw.image ?? 'app';
  const variants: ResolvedVariant[] = Object.entries(variantsRaw).map(([name, v]) => {
    const args = { ...stringArgs(raw.args), ...stringArgs(v?.args) };
    if (raw.variantArg) args[raw.variantArg] = name;
    return {
      name,
      dockerfile: abs(v?.dockerfile ?? raw.dockerfile ?? 'Dockerfile'),
      context: abs(raw.context ?? '.'),
      ...((v?.target ?? raw.target) ? { target: v?.target ?? raw.target } : {}),
      platforms: v?.platforms ?? raw.platforms ?? defaultPlatforms,
      args,
      tags: v?.tags ?? raw.tags ?? [defaultTagTemplate],
      archTag: raw.archTag ?? defaultArchTagTemplate,
      verifyChecks: resolveChecks(v?.verify, raw.verify),
    };
  });
  const { nodes, warnings } = mergeNodes(raw.nodes, opts.machineNodes, opts.machineNodesOrigin);
  return {
    ...(file ? { file } : {}),
    root,
    image,
    tag: raw.tag ?? 'latest',
    ...(raw.registry ? { registry: raw.registry } : {}),
    output: raw.output ?? 'load',
    ...(raw.variantArg ? { variantArg: raw.variantArg } : {}),
    variants,
    nodes,
    ...(warnings.length ? { warnings } : {}),
  };
}
