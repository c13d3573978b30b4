import type { Instruction } from 'dockerfile-ast';
import { buildkitRule, type Rule } from '../rule';

export const invalidDefinitionDescription: Rule = {
  meta: buildkitRule(
    'InvalidDefinitionDescription',
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
    true,
  ),
  check(model, report) {
    // As BuildKit: the last comment BuildKit attaches to a named FROM or an ARG (blank lines do not end
    // the comment block, a bare `#` line does) must start with the stage name or one of the ARG's keys;
    // the finding is on the instruction, and shows `<arg_key>` when an ARG declares several names.
    const check = (ins: Instruction, what: 'FROM' | 'ARG', names: string[]) => {
      const comments = model.comments(ins);
      if (!names.length || !comments.length) return;
      const last = comments[comments.length - 1];
      if (names.includes(last.text.split(' ')[0])) return;
      const example = names.length > 1 ? '<arg_key>' : names[0];
      const at = ins.getRange().start;
      const indent = model.index.lineText(at.line).slice(0, at.character);
      report(
        ins.getInstructionRange(),
        `Comment for ${what} should follow the format: \`# ${example} <description>\``,
        {
          title: `Mark the comment above as not describing this ${what} (a bare # line between them)`,
          edits: [
            {
              range: { start: { line: at.line, character: 0 }, end: { line: at.line, character: 0 } },
              newText: `${indent}#\n`,
            },
          ],
        },
      );
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
