import { PLATFORM_ARGS } from '../model';
import { projectRule, suggestion, type Rule } from '../rule';
import { declareArgsEdit, declaredBefore, firstDeclarations } from '../stageArgs';

const NAMED = /TARGET|BUILD/;
const USE = new RegExp(`\\$\\{?(${PLATFORM_ARGS.join('|')})\\b`, 'g');

export const platformArgScope: Rule = {
  meta: projectRule(
    'PlatformArgScope',
    'Platform build arguments (TARGETARCH, BUILDPLATFORM, …) exist only in the global scope until a stage declares them with ARG',
  ),
  check(model, report) {
    if (!PLATFORM_ARGS.some((n) => model.text.includes(n))) return;
    for (const stage of model.stages) {
      const reported = new Set<string>();
      const decls = firstDeclarations(model, stage);
      for (const ins of stage.body) {
        const a = model.argsOf(ins);
        // Only an instruction that names one of them is scanned line by line.
        if (!a || !NAMED.test(a.text)) continue;
        const r = ins.getRange();
        const first = a.range.start;
        for (let line = first.line; line <= r.end.line; line++) {
          const text = model.index.lineText(line);
          if (line !== first.line && /^\s*#/.test(text)) continue;
          const from = line === first.line ? first.character : 0;
          USE.lastIndex = from;
          for (let m = USE.exec(text); m; m = USE.exec(text)) {
            const name = m[1];
            if (reported.has(name) || (m.index > 0 && text[m.index - 1] === model.escape)) continue;
            if (declaredBefore(decls, name, r.start.line)) continue;
            reported.add(name);
            const start = m.index + m[0].length - name.length;
            report(
              { start: { line, character: start }, end: { line, character: start + name.length } },
              `${name} is a global-scope build argument: declare "ARG ${name}" in this stage before using it, otherwise it is empty here`,
              suggestion({
                title: `Declare ARG ${name} in this stage`,
                edits: [declareArgsEdit(model, stage, [name])],
              }),
            );
          }
        }
      }
    }
  },
};
