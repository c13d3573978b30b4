import { buildkitRule, type Rule } from '../rule';

const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
/** Cheap pre-filter so only candidate instructions pay for property parsing. */
const LOOSE = /apikey|auth|credential|key|passw|pword|secret|token/i;
/** Words that say the value is not the secret itself (a path to it, a public key, a module version). */
const ALLOWED = /(?:_|^)(?:public|file|version)(?:_|$)/i;

export function isSecretName(name: string): boolean {
  return SECRET.test(name) && !ALLOWED.test(name);
}

export const secretsUsedInArgOrEnv: Rule = {
  meta: buildkitRule('SecretsUsedInArgOrEnv', 'Sensitive data should not be used in the ARG or ENV commands'),
  check(model, report) {
    model.ofKind('ARG', 'ENV').forEach((ins) => {
      const kw = model.kw(ins);
      if (kw !== 'ARG' && kw !== 'ENV') return;
      if (!LOOSE.test(model.argsOf(ins)?.text ?? '')) return;
      for (const { name, nameRange } of model.declarations(ins)) {
        if (isSecretName(name))
          report(nameRange, `Do not use ARG or ENV instructions for sensitive data (${kw} ${JSON.stringify(name)})`);
      }
    });
  },
};
