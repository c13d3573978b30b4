import type { Instruction } from 'dockerfile-ast';
import type { LintModel, Stage } from '../model';
import { projectRule, suggestion, type Rule } from '../rule';
import { declareArgsEdit, firstDeclarations } from '../stageArgs';
import type { Fix, Range, TextEdit } from '../types';

export const COMPILERS: Array<[RegExp, string]> = [
  [/\bgo\s+build\b/, 'go build'],
  [/\bcargo\s+(?:build|install)\b/, 'cargo build'],
  [/\b(?:gcc|g\+\+|clang|cmake|make)\b/, 'a C/C++ toolchain'],
  [/\bpip3?\s+wheel\b|--no-binary|setup\.py\s+(?:bdist_wheel|build)/, 'pip wheel builds'],
];
const COMMENT_LINES = /^[ \t]*#.*$/gm;
const NODE_INSTALL = /\b(?:npm\s+(?:ci|install|i)|yarn(?:\s+install)?|pnpm\s+(?:install|i))\b/;
/** Signs that a Node install compiles native addons. */
const NATIVE_ADDONS = /node-gyp|build-essential|\bg\+\+|\bpython3?\b[^\n]*\bmake\b|\bmake\b[^\n]*\bpython3?\b/;
/** `go build` at the start of a shell command, where a `VAR=value` prefix is valid. */
const GO_BUILD_AT_COMMAND = /(^(?:\s*--\S+)*|&&|\|\||;|\(|\bthen|\bdo)((?:\s|[\\`](?=\r?\n))*)go\s+build\b/g;

interface Candidate {
  stage: Stage;
  range: Range;
  message: string;
  fix?: Fix;
}

const candidatesOf = new WeakMap<LintModel, Candidate[]>();

export const emulatedCompileStage: Rule = {
  meta: projectRule(
    'EmulatedCompileStage',
    'A compile stage that later stages copy from runs under emulation for every non-native platform unless it is built on $BUILDPLATFORM',
    'info',
  ),
  check(model, report) {
    if (!model.multiPlatform) return;
    for (const c of candidates(model)) if (!model.graph.platformOf(c.stage)) report(c.range, c.message, c.fix);
  },
  /** In a cell, the stage is emulated when the platform it runs on is not the build machine's. */
  checkCell(model, cell, report) {
    for (const c of candidates(model)) {
      const platform = cell.stagePlatform(model.graph.platformOf(c.stage)?.getValue() ?? undefined);
      if (!platform || sameOsArch(platform, cell.buildPlatform)) continue;
      report(c.range, c.message, c.fix);
    }
  },
};

function sameOsArch(a: string, b: string): boolean {
  const [ao, aa] = a.split('/');
  const [bo, ba] = b.split('/');
  return ao === bo && aa === ba;
}

/** Stages that compile and are copied into later ones, with the finding each would get. */
function candidates(model: LintModel): Candidate[] {
  let out = candidatesOf.get(model);
  if (out) return out;
  out = [];
  candidatesOf.set(model, out);
  const copiedFrom = copiedStages(model);
  for (const stage of model.stages) {
    if (!copiedFrom.has(stage.index)) continue;
    const runs = stage.body.filter((i) => model.kw(i) === 'RUN');
    // Comment lines inside a continued RUN are not part of the command ("# make sure …" is no compiler).
    const text = runs.map((i) => model.rangeText(i.getRange()).replace(COMMENT_LINES, '')).join('\n');
    let what = COMPILERS.find(([re]) => re.test(text))?.[1];
    if (!what && NODE_INSTALL.test(text) && NATIVE_ADDONS.test(text)) what = 'native Node addons';
    if (!what) continue;
    const image = model.args(stage.from)[0];
    if (!image) continue;
    const label = stage.name ? `'${stage.name}'` : `#${stage.index}`;
    out.push({
      stage,
      range: image.getRange(),
      message: `Stage ${label} compiles (${what}) and is copied into later stages: without "FROM --platform=$BUILDPLATFORM" it runs under QEMU emulation for every non-native platform, often 5-20x slower. Build on $BUILDPLATFORM and cross-compile for $TARGETOS/$TARGETARCH`,
      fix: what === 'go build' ? suggestion(goCrossCompileFix(model, { stage, runs, text })) : undefined,
    });
  }
  return out;
}

function copiedStages(model: LintModel): Set<number> {
  const byName = new Map<string, number>();
  for (const s of model.stages)
    if (s.name && !byName.has(s.name.toLowerCase())) byName.set(s.name.toLowerCase(), s.index);
  const out = new Set<number>();
  model.stages.forEach((stage) => {
    for (const ins of stage.body) {
      if (model.kw(ins) !== 'COPY' || !/from=/i.test(model.argsOf(ins)?.text ?? '')) continue;
      const flags = model.flags(ins);
      const from = flags
        .find((f) => f.getName().toLowerCase() === 'from')
        ?.getValue()
        ?.toLowerCase();
      if (!from) continue;
      const idx = byName.get(from) ?? (/^\d+$/.test(from) ? Number(from) : undefined);
      if (idx !== undefined && idx < stage.index) out.add(idx);
    }
  });
  return out;
}

/** The documented Go pattern: run the toolchain natively and let GOOS/GOARCH pick the target. */
function goCrossCompileFix(
  model: LintModel,
  { stage, runs, text }: { stage: Stage; runs: Instruction[]; text: string },
): Fix | undefined {
  if (/CGO_ENABLED=1|GOOS=|GOARCH=/.test(text)) return undefined;
  const edits: TextEdit[] = [];
  for (const ins of runs) {
    const r = ins.getRange();
    const start = model.index.offsetAt(r.start);
    const body = model.rangeText(r);
    if (!/\bgo\s+build\b/.test(body)) continue;
    if (r.start.line !== r.end.line && model.heredocSpans.some(([s, e]) => s >= start && e <= start + body.length))
      return undefined;
    const total = (body.match(/\bgo\s+build\b/g) ?? []).length;
    let found = 0;
    const keyword = ins.getInstructionRange().end.character - ins.getInstructionRange().start.character;
    for (const m of body.slice(keyword).matchAll(GO_BUILD_AT_COMMAND)) {
      found++;
      const at = start + keyword + m.index + m[1].length + m[2].length;
      const p = model.index.positionAt(at);
      edits.push({ range: { start: p, end: p }, newText: 'GOOS=$TARGETOS GOARCH=$TARGETARCH ' });
    }
    // A `go build` we cannot prefix safely (inside quotes, after `env`, …) means no mechanical fix.
    if (found !== total) return undefined;
  }
  if (!edits.length) return undefined;
  const image = model.args(stage.from)[0]!.getRange().start;
  edits.push({ range: { start: image, end: image }, newText: '--platform=$BUILDPLATFORM ' });
  const decls = firstDeclarations(model, stage);
  const missing = ['TARGETOS', 'TARGETARCH'].filter((n) => !decls.has(n));
  if (missing.length) edits.push(declareArgsEdit(model, stage, missing));
  return { title: 'Cross-compile: FROM --platform=$BUILDPLATFORM with GOOS/GOARCH from the target', edits };
}
