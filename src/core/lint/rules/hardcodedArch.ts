import type { Instruction } from 'dockerfile-ast';
import type { LintModel, Stage } from '../model';
import { projectRule, suggestion, type Rule } from '../rule';
import { declareArgsEdit, declaredBefore, firstDeclarations } from '../stageArgs';
import type { Fix, Range } from '../types';

const ARCH = /(?<![A-Za-z0-9])(amd64|x86_64|arm64|aarch64)(?![A-Za-z0-9])/g;
const ANY_ARCH = /amd64|x86_64|arm64|aarch64/;
const URL = /\b(?:https?|ftp):\/\/[^\s"'`]+/g;
/** An instruction that already branches on the architecture is doing it on purpose. */
const ARCH_AWARE = /TARGETARCH|TARGETPLATFORM|uname\s+-m|dpkg\s+--print-architecture|apk\s+--print-arch/;
const OCI_ARCH: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64' };

/** One hard-coded architecture: where, in which stage (none: a global ARG), and the ARG it is the default of. */
interface Hit {
  arch: string;
  range: Range;
  stage?: Stage;
  ins: Instruction;
  /** The ARG whose default holds it: a build arg of that name replaces the default. */
  argName?: string;
}

const hitsOf = new WeakMap<LintModel, Hit[]>();

export const hardcodedArch: Rule = {
  meta: projectRule(
    'HardcodedArch',
    'A hard-coded CPU architecture in a stage built for several platforms downloads the same binary for every platform',
  ),
  check(model, report) {
    if (!model.multiPlatform) return;
    for (const h of hits(model)) {
      const pinned = h.stage && model.graph.platformOf(h.stage)?.getValue();
      if (pinned && !pinned.includes('$')) continue;
      report(h.range, message(h.arch), fix(model, h));
    }
  },
  /** In a cell, a hard-coded architecture is wrong where the stage's platform is another one. */
  checkCell(model, cell, report) {
    for (const h of hits(model)) {
      if (h.argName !== undefined && cell.args[h.argName] !== undefined) continue;
      const platform = h.stage
        ? cell.stagePlatform(model.graph.platformOf(h.stage)?.getValue() ?? undefined)
        : cell.platform;
      const arch = platform?.split('/')[1];
      if (!arch || arch === (OCI_ARCH[h.arch] ?? h.arch)) continue;
      report(h.range, cellMessage(h.arch), fix(model, h));
    }
  },
};

function hits(model: LintModel): Hit[] {
  let out = hitsOf.get(model);
  if (out) return out;
  out = [];
  hitsOf.set(model, out);
  if (!ANY_ARCH.test(model.text)) return out;
  const scan = (ins: Instruction, stage: Stage | undefined, urlsOnly: boolean) => {
    const a = model.argsOf(ins);
    if (!a || !ANY_ARCH.test(a.text) || ARCH_AWARE.test(a.text)) return;
    const base = model.index.offsetAt(a.range.start);
    const regions: Array<[number, string]> = urlsOnly
      ? [...a.text.matchAll(URL)].map((m) => [m.index, m[0]])
      : [[0, a.text]];
    for (const [at, region] of regions) {
      for (const m of region.matchAll(ARCH)) {
        const start = base + at + m.index;
        if (model.inHeredoc(start)) continue;
        const range = model.index.rangeOf(start, start + m[0].length);
        out.push({ arch: m[0], range, stage, ins, argName: urlsOnly ? undefined : argAt(model, ins, range) });
      }
    }
  };
  for (const ins of model.graph.globalArgInstructions) scan(ins, undefined, false);
  for (const stage of model.stages) {
    if (stage.name && /amd64|x86_64|arm64|aarch64|arm|x64/i.test(stage.name)) continue;
    for (const ins of stage.body) {
      const kw = model.kw(ins);
      if (kw === 'ARG') scan(ins, stage, false);
      else if (kw === 'RUN' || kw === 'ADD') scan(ins, stage, true);
    }
  }
  return out;
}

/** The ARG name declared last before `range` in an ARG instruction. */
function argAt(model: LintModel, ins: Instruction, range: Range): string | undefined {
  let name: string | undefined;
  for (const d of model.declarations(ins)) {
    const s = d.nameRange.start;
    if (s.line < range.start.line || (s.line === range.start.line && s.character <= range.start.character))
      name = d.name;
  }
  return name;
}

function fix(model: LintModel, h: Hit): Fix | undefined {
  // x86_64/aarch64 spellings differ from TARGETARCH's amd64/arm64: no mechanical rewrite.
  if (h.arch !== 'amd64' && h.arch !== 'arm64') return undefined;
  const edits = [{ range: h.range, newText: '${TARGETARCH}' }];
  if (h.stage && !declaredBefore(firstDeclarations(model, h.stage), 'TARGETARCH', h.ins.getRange().start.line))
    edits.push(declareArgsEdit(model, h.stage, ['TARGETARCH']));
  return suggestion({ title: `Use \${TARGETARCH} instead of ${h.arch}`, edits });
}

function hint(arch: string): string {
  return arch === 'amd64' || arch === 'arm64'
    ? '${TARGETARCH}'
    : '${TARGETARCH} (mapping amd64/arm64 to x86_64/aarch64)';
}

function message(arch: string): string {
  return `Hard-coded architecture '${arch}' in a stage built for several platforms; every platform gets the ${arch} file. Use ${hint(arch)}`;
}

function cellMessage(arch: string): string {
  return `Hard-coded architecture '${arch}': a build for another platform still gets the ${arch} file. Use ${hint(arch)}`;
}
