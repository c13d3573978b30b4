import type { Instruction } from 'dockerfile-ast';
import { argDeclarations } from '../model';
import { buildkitRule, type Rule } from '../rule';

export const invalidDefinitionDescription: Rule = {
  meta: buildkitRule(
    'InvalidDefinitionDescription',
    'Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.',
    true,
  ),
  check(model, report) {
    const check = (ins: Instruction, what: string, name: string) => {
      const line = ins.getRange().start.line - 1;
      if (line < model.directives.insertLine) return;
      const text = model.index.lineText(line);
      const m = /^(\s*)#\s*(\S*)/.exec(text);
      if (!m || m[2] === name) return;
      const range = { start: { line, character: m[1].length }, end: { line, character: text.length } };
      report(range, `Comment for ${what} should follow the format: \`# ${name} <description>\``, {
        title: 'Separate the comment from the instruction with an empty line',
        edits: [{ range: { start: { line: line + 1, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '\n' }],
      });
    };
    for (const stage of model.stages) {
      if (stage.name) check(stage.from, 'build stage', stage.name);
      for (const ins of stage.body) {
        if (model.kw(ins) !== 'ARG') continue;
        const decl = argDeclarations(ins);
        if (decl.length === 1) check(ins, 'build argument', decl[0].name);
      }
    }
    // Global ARGs: everything before the first FROM.
    for (let i = 0; i < model.instructions.length && model.keywords[i] !== 'FROM'; i++) {
      if (model.keywords[i] !== 'ARG') continue;
      const decl = argDeclarations(model.instructions[i]);
      if (decl.length === 1) check(model.instructions[i], 'build argument', decl[0].name);
    }
  },
};
