import type { Instruction } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';

export const invalidDefinitionDescription: Rule = {
  meta: buildkitRule(
    'InvalidDefinitionDescription',
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
    true,
  ),
  check(model, report) {
    // As BuildKit: the comment line right above a named FROM or an ARG must start with the stage name or
    // one of the ARG's keys; the message shows `<arg_key>` when an ARG declares several.
    const check = (ins: Instruction, what: 'FROM' | 'ARG', names: string[]) => {
      const line = ins.getRange().start.line - 1;
      if (!names.length || line < model.directives.insertLine) return;
      const text = model.index.lineText(line);
      const m = /^(\s*)#\s*(\S*)/.exec(text);
      if (!m || names.includes(m[2])) return;
      const range = { start: { line, character: m[1].length }, end: { line, character: text.length } };
      const example = names.length > 1 ? '<arg_key>' : names[0];
      report(range, `Comment for ${what} should follow the format: \`# ${example} <description>\``, {
        title: 'Separate the comment from the instruction with an empty line',
        edits: [{ range: { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '\n' }],
      });
    };
    model.instructions.forEach((ins) => {
      const kw = model.kw(ins);
      if (kw === 'ARG') check(ins, 'ARG', model.declared(ins));
      else if (kw === 'FROM') {
        const name = model.graph.stageOf(ins)?.name;
        if (name) check(ins, 'FROM', [name]);
      }
    });
  },
};
