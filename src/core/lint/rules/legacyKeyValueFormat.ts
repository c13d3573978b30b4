import { buildkitRule, type Rule } from '../rule';
import { keyValueValue } from '../words';

export const legacyKeyValueFormat: Rule = {
  meta: buildkitRule('LegacyKeyValueFormat', 'Legacy key/value format with whitespace separator should not be used'),
  check(model, report) {
    model.ofKind('ENV', 'LABEL').forEach((ins) => {
      const kw = model.kw(ins);
      if (kw !== 'ENV' && kw !== 'LABEL') return;
      const a = model.argsOf(ins);
      if (!a) return;
      const { range, text: args } = a;
      // Legacy form: the first word has no '=' and a value follows it.
      const m = /^([^\s=]+)([ \t]+)(\S[\s\S]*)$/.exec(args);
      if (!m) return;
      const single = range.start.line === range.end.line;
      const name = ins.getInstruction();
      report(
        range,
        `"${name} key=value" should be used instead of legacy "${name} key value" format`,
        single
          ? {
              title: `Use ${name} ${m[1]}=…`,
              edits: [{ range, newText: `${m[1]}=${keyValueValue(m[3].trimEnd(), model.escape)}` }],
            }
          : undefined,
      );
    });
  },
};
