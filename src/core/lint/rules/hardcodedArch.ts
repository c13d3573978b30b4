import type { Instruction } from 'dockerfile-ast';
import type { Stage } from '../model';
import { projectRule, suggestion, type Rule } from '../rule';
import { declareArgsEdit, declaredBefore, firstDeclarations } from '../stageArgs';
import type { Fix, Range } from '../types';

const ARCH = /(?<![A-Za-z0-9])(amd64|x86_64|arm64|aarch64)(?![A-Za-z0-9])/g;
const URL = /\b(?:https?|ftp):\/\/[^\s"'`]+/g;
/** An instruction that already branches on the architecture is doing it on purpose. */
const ARCH_AWARE = /TARGETARCH|TARGETPLATFORM|uname\s+-m|dpkg\s+--print-architecture|apk\s+--print-arch/;

export const hardcodedArch: Rule = {
  meta: projectRule('HardcodedArch', 'A hard-coded CPU architecture in a stage built for several platforms downloads the same binary for every platform'),
  check(model, report) {
    if (!model.multiPlatform || !/amd64|x86_64|arm64|aarch64/.test(model.text)) return;
    const scan = (ins: Instruction, stage: Stage | undefined, urlsOnly: boolean) => {
      const a = model.argsOf(ins);
      if (!a) return;
      const args = a.range;
      const text = a.text;
      if (!/amd64|x86_64|arm64|aarch64/.test(text)) return;
      if (ARCH_AWARE.test(text)) return;
      const base = model.index.offsetAt(args.start);
      const regions: Array<[number, string]> = urlsOnly ? [...text.matchAll(URL)].map((m) => [m.index, m[0]]) : [[0, text]];
      for (const [at, region] of regions) {
        for (const m of region.matchAll(ARCH)) {
          const start = base + at + m.index;
          if (model.inHeredoc(start)) continue;
          const range = model.index.rangeOf(start, start + m[0].length);
          report(range, message(m[0]), fix(m[0], range, stage, ins));
        }
      }
    };
    const fix = (arch: string, range: Range, stage: Stage | undefined, ins: Instruction): Fix | undefined => {
      // x86_64/aarch64 spellings differ from TARGETARCH's amd64/arm64: no mechanical rewrite.
      if (arch !== 'amd64' && arch !== 'arm64') return undefined;
      const edits = [{ range, newText: '${TARGETARCH}' }];
      if (stage && !declaredBefore(firstDeclarations(model, stage), 'TARGETARCH', ins.getRange().start.line)) edits.push(declareArgsEdit(model, stage, ['TARGETARCH']));
      return suggestion({ title: `Use \${TARGETARCH} instead of ${arch}`, edits });
    };
    for (const ins of model.graph.globalArgInstructions) scan(ins, undefined, false);
    for (const stage of model.stages) {
      const pinned = stage.platform?.getValue();
      if (pinned && !pinned.includes('$')) continue;
      if (stage.name && /amd64|x86_64|arm64|aarch64|arm|x64/i.test(stage.name)) continue;
      for (const ins of stage.body) {
        const kw = model.kw(ins);
        if (kw === 'ARG') scan(ins, stage, false);
        else if (kw === 'RUN' || kw === 'ADD') scan(ins, stage, true);
      }
    }
  },
};

function message(arch: string): string {
  const hint = arch === 'amd64' || arch === 'arm64' ? '${TARGETARCH}' : '${TARGETARCH} (mapping amd64/arm64 to x86_64/aarch64)';
  return `Hard-coded architecture '${arch}' in a stage built for several platforms; every platform gets the ${arch} file. Use ${hint}`;
}
