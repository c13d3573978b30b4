import { Arg, DockerfileParser } from 'dockerfile-ast';
import { stringify } from 'yaml';
import { PLATFORM_ARG_SET } from '../platformArgs';

export interface ScaffoldInput {
  dockerfileText: string;
  dockerfileName: string;
  image: string;
  platforms: string[];
}

// Build args that usually select a flavour of the image rather than a version or a path.
const variantArgHint = /(BACKEND|VARIANT|FLAVOU?R|EDITION|MODE|PROFILE|DRIVER|PROVIDER|TARGET_ENV|ENGINE)$/i;

export interface DockerfileArg {
  name: string;
  defaultValue?: string;
}

/** ARGs a Dockerfile declares (global and per stage), without BuildKit's automatic platform args. */
export function dockerfileArgs(text: string): DockerfileArg[] {
  const seen = new Map<string, DockerfileArg>();
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (!(instruction instanceof Arg)) continue;
    for (const property of instruction.getProperties()) {
      const name = property.getName();
      if (PLATFORM_ARG_SET.has(name) || seen.has(name)) continue;
      const value = property.getValue();
      seen.set(name, value === null ? { name } : { name, defaultValue: value });
    }
  }
  return [...seen.values()];
}

/** The text of a starter multiarch.yaml for a Dockerfile, with the variant arg guessed from its ARGs. */
export function scaffoldConfig(input: ScaffoldInput): string {
  const args = dockerfileArgs(input.dockerfileText);
  const variantArg = args.find((a) => variantArgHint.test(a.name));
  const otherArgs = args.filter((a) => a !== variantArg && a.defaultValue !== undefined);
  const body: Record<string, unknown> = {
    image: input.image,
    tag: 'latest',
    dockerfile: input.dockerfileName,
    context: '.',
  };
  if (variantArg) body.variantArg = variantArg.name;
  body.platforms = input.platforms;
  if (otherArgs.length) body.args = Object.fromEntries(otherArgs.map((a) => [a.name, a.defaultValue]));
  const firstVariant =
    variantArg?.defaultValue && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(variantArg.defaultValue)
      ? variantArg.defaultValue
      : 'default';
  body.variants = { [firstVariant]: {} };
  body.tags = ['{image}:{tag}-{variant}'];
  const header = [
    '# Multi-Arch Builds: one Dockerfile, several variants, several platforms.',
    '# Reference: https://github.com/multiarch-builds/multiarch-builds#configuration',
    variantArg
      ? `# Each variant name is passed as --build-arg ${variantArg.name}=<name>; add more variants below.`
      : '# Add variants below; set variantArg to pass each variant name as a build arg.',
    '',
  ].join('\n');
  return header + stringify(body, { lineWidth: 0 }).replace(/^variants:\n(.*): \{\}$/m, 'variants:\n$1: {}');
}
