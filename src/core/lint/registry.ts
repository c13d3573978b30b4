import type { Rule } from './rule';
import { consistentInstructionCasing } from './rules/consistentInstructionCasing';
import { copyIgnoredFile } from './rules/copyIgnoredFile';
import { duplicateStageName } from './rules/duplicateStageName';
import { emulatedCompileStage } from './rules/emulatedCompileStage';
import { exposeInvalidFormat } from './rules/exposeInvalidFormat';
import { exposeProtoCasing } from './rules/exposeProtoCasing';
import { fromAsCasing } from './rules/fromAsCasing';
import { fromPlatformFlagConstDisallowed } from './rules/fromPlatformFlagConstDisallowed';
import { hardcodedArch } from './rules/hardcodedArch';
import { invalidDefaultArgInFrom } from './rules/invalidDefaultArgInFrom';
import { invalidDefinitionDescription } from './rules/invalidDefinitionDescription';
import { jsonArgsRecommended } from './rules/jsonArgsRecommended';
import { legacyKeyValueFormat } from './rules/legacyKeyValueFormat';
import { maintainerDeprecated } from './rules/maintainerDeprecated';
import { multipleInstructionsDisallowed } from './rules/multipleInstructionsDisallowed';
import { noEmptyContinuation } from './rules/noEmptyContinuation';
import { platformArgScope } from './rules/platformArgScope';
import { redundantTargetPlatform } from './rules/redundantTargetPlatform';
import { reservedStageName } from './rules/reservedStageName';
import { secretsUsedInArgOrEnv } from './rules/secretsUsedInArgOrEnv';
import { stageNameCasing } from './rules/stageNameCasing';
import { undefinedArgInFrom } from './rules/undefinedArgInFrom';
import { undefinedVar } from './rules/undefinedVar';
import { workdirRelativePath } from './rules/workdirRelativePath';

/** Every rule, BuildKit's first (in the order of its documentation), then this project's multi-arch rules. */
export const RULES: readonly Rule[] = [
  consistentInstructionCasing,
  copyIgnoredFile,
  duplicateStageName,
  exposeInvalidFormat,
  exposeProtoCasing,
  fromAsCasing,
  fromPlatformFlagConstDisallowed,
  invalidDefaultArgInFrom,
  invalidDefinitionDescription,
  jsonArgsRecommended,
  legacyKeyValueFormat,
  maintainerDeprecated,
  multipleInstructionsDisallowed,
  noEmptyContinuation,
  redundantTargetPlatform,
  reservedStageName,
  secretsUsedInArgOrEnv,
  stageNameCasing,
  undefinedArgInFrom,
  undefinedVar,
  workdirRelativePath,
  hardcodedArch,
  platformArgScope,
  emulatedCompileStage,
];

export const RULE_NAMES: readonly string[] = RULES.map((r) => r.meta.name);

export function findRule(name: string): Rule | undefined {
  return RULES.find((r) => r.meta.name === name);
}
