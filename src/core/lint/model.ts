import { DockerfileParser, From, type Argument, type Dockerfile, type Instruction, type Flag } from 'dockerfile-ast';
import { scanVariables, type VariableUse } from './variables';
import { parseCheckValue, parseDirectiveBlock, type CheckConfig, type DirectiveBlock } from './directives';
import { LineIndex } from './text';
import type { LintContext, Range } from './types';

/** The variables BuildKit predefines for platform selection; they live in the global scope only. */
export const PLATFORM_ARGS = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];
export const PLATFORM_ARG_SET = new Set(PLATFORM_ARGS);

export interface Stage {
  index: number;
  from: From;
  /** Stage name as written, when the FROM has `AS name`. */
  name?: string;
  nameRange?: Range;
  /** The `AS` keyword token. */
  asRange?: Range;
  /** Instructions after the FROM, up to the next FROM. */
  body: Instruction[];
  /** Index of the stage this one is built FROM, when the base is a stage of this file. */
  parent?: number;
  platform?: Flag;
}

export interface GlobalArg {
  name: string;
  /** Default value as written, or undefined for `ARG NAME`. */
  value?: string;
}

/** Everything a rule needs, computed once per lint from a single parse. */
export class LintModel {
  readonly index: LineIndex;
  readonly dockerfile: Dockerfile;
  readonly instructions: Instruction[];
  readonly keywords: string[];
  readonly stages: Stage[] = [];
  readonly globalArgs: GlobalArg[] = [];
  readonly escape: string;
  readonly directives: DirectiveBlock;
  readonly check: CheckConfig;
  /** Sorted, disjoint [startOffset, endOffset) spans of heredoc bodies and terminators; edits never enter them. */
  readonly heredocSpans: Array<[number, number]> = [];
  private heredocLineSet?: Set<number>;
  // dockerfile-ast recomputes arguments, flags and variables on every call; rules share one copy.
  private readonly argCache = new Map<Instruction, Argument[]>();
  private readonly flagCache = new Map<Instruction, Flag[]>();
  private readonly varCache = new Map<Instruction, VariableUse[]>();
  private readonly kwCache = new Map<Instruction, string>();

  constructor(
    readonly text: string,
    readonly context: LintContext = {},
  ) {
    this.index = new LineIndex(text);
    this.dockerfile = DockerfileParser.parse(text);
    this.escape = this.dockerfile.getEscapeCharacter();
    this.directives = parseDirectiveBlock(this.index);
    this.check = parseCheckValue(this.directives.directives.find((d) => d.name === 'check')?.value);
    this.instructions = this.dockerfile.getInstructions();
    this.keywords = this.instructions.map((i) => i.getKeyword());
    this.instructions.forEach((ins, i) => this.kwCache.set(ins, this.keywords[i]));
    this.buildStages();
    this.collectHeredocs();
  }

  private buildStages(): void {
    const byName = new Map<string, number>();
    let current: Stage | undefined;
    for (let i = 0; i < this.instructions.length; i++) {
      const ins = this.instructions[i];
      if (ins instanceof From) {
        const args = this.args(ins);
        const platform = this.flags(ins).find((f) => f.getName().toLowerCase() === 'platform');
        const stage: Stage = { index: this.stages.length, from: ins, body: [], platform };
        if (args.length >= 3 && args[1].getValue().toLowerCase() === 'as') {
          stage.asRange = args[1].getRange();
          stage.name = args[2].getValue();
          stage.nameRange = args[2].getRange();
        }
        const base = args[0]?.getValue().toLowerCase();
        if (base !== undefined && byName.has(base)) stage.parent = byName.get(base);
        if (stage.name && !byName.has(stage.name.toLowerCase())) byName.set(stage.name.toLowerCase(), stage.index);
        this.stages.push(stage);
        current = stage;
      } else if (current) {
        current.body.push(ins);
      } else if (this.keywords[i] === 'ARG') {
        for (const a of argDeclarations(ins)) this.globalArgs.push(a);
      }
    }
  }

  private collectHeredocs(): void {
    for (let i = 0; i < this.instructions.length; i++) {
      const kw = this.keywords[i];
      if (kw !== 'RUN' && kw !== 'COPY' && kw !== 'ADD') continue;
      const r = this.instructions[i].getRange();
      if (r.start.line === r.end.line) continue;
      const getHeredocs = (this.instructions[i] as unknown as { getHeredocs?: () => import('dockerfile-ast').Heredoc[] }).getHeredocs;
      if (!getHeredocs) continue;
      for (const h of getHeredocs.call(this.instructions[i])) {
        const content = h.getContentRange();
        const delim = h.getDelimiterRange();
        const startLine = content?.start.line ?? delim?.start.line;
        if (startLine === undefined) continue;
        const start = this.index.starts[startLine];
        const endPos = delim?.end ?? content?.end;
        const end = endPos ? this.index.lineEnd(endPos.line) : this.index.text.length;
        this.heredocSpans.push([start, end]);
      }
    }
    this.heredocSpans.sort((a, b) => a[0] - b[0]);
  }

  /** The instruction's argument text and its range: everything after the keyword (cheaper than getArgumentsRange). */
  argsOf(ins: Instruction): { text: string; range: Range } | undefined {
    const start = this.index.offsetAt(ins.getInstructionRange().end);
    const end = this.index.offsetAt(ins.getRange().end);
    let s = start;
    const t = this.index.text;
    while (s < end && (t[s] === ' ' || t[s] === '\t')) s++;
    if (s >= end) return undefined;
    return { text: t.slice(s, end), range: this.index.rangeOf(s, end) };
  }

  kw(ins: Instruction): string {
    return this.kwCache.get(ins) ?? ins.getKeyword();
  }

  args(ins: Instruction): Argument[] {
    let a = this.argCache.get(ins);
    if (!a) this.argCache.set(ins, (a = ins.getArguments()));
    return a;
  }

  flags(ins: Instruction): Flag[] {
    let f = this.flagCache.get(ins);
    if (!f) {
      const get = (ins as unknown as { getFlags?: () => Flag[] }).getFlags;
      this.flagCache.set(ins, (f = get ? get.call(ins) : []));
    }
    return f;
  }

  /** Variable uses in an instruction's arguments (flags included), outside heredoc bodies. */
  vars(ins: Instruction): VariableUse[] {
    let v = this.varCache.get(ins);
    if (!v) {
      const r = ins.getRange();
      const kwEnd = this.index.offsetAt(ins.getInstructionRange().end);
      const skip = this.heredocSpans.length ? (o: number) => this.inHeredoc(o) : undefined;
      this.varCache.set(ins, (v = scanVariables(this.index, kwEnd, this.index.offsetAt(r.end), this.escape, skip)));
    }
    return v;
  }

  /** Whether an offset lies in a heredoc body (binary search over the sorted spans). */
  inHeredoc(offset: number): boolean {
    let lo = 0;
    let hi = this.heredocSpans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [s, e] = this.heredocSpans[mid];
      if (offset < s) hi = mid - 1;
      else if (offset >= e) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Lines that belong to heredoc bodies (including the terminator). */
  get heredocLines(): Set<number> {
    if (!this.heredocLineSet) {
      const set = new Set<number>();
      for (const [s, e] of this.heredocSpans) {
        const a = this.index.positionAt(s).line;
        const b = this.index.positionAt(e).line;
        for (let l = a; l <= b; l++) set.add(l);
      }
      this.heredocLineSet = set;
    }
    return this.heredocLineSet;
  }

  /** True when a stage is (explicitly or plausibly) built for more than one platform. */
  get multiPlatform(): boolean {
    if (this.context.platformCount !== undefined) return this.context.platformCount > 1;
    return /\$\{?(TARGETARCH|TARGETPLATFORM|TARGETOS|BUILDPLATFORM)\b/.test(this.text);
  }

  rangeText(r: Range): string {
    return this.index.text.slice(this.index.offsetAt(r.start), this.index.offsetAt(r.end));
  }

  /** The stage whose ancestors (FROM <stage>) include `stage`, oldest first, including itself. */
  lineage(stage: Stage): Stage[] {
    const out: Stage[] = [];
    const seen = new Set<number>();
    let s: Stage | undefined = stage;
    while (s && !seen.has(s.index)) {
      seen.add(s.index);
      out.unshift(s);
      s = s.parent === undefined ? undefined : this.stages[s.parent];
    }
    return out;
  }

  /** Matches the keyword case used by `ins` (lowercase keyword in, lowercase keyword out). */
  keywordLike(ins: Instruction, keyword: string): string {
    const raw = ins.getInstruction();
    return raw === raw.toLowerCase() && raw !== raw.toUpperCase() ? keyword.toLowerCase() : keyword.toUpperCase();
  }
}

/** Names (and defaults) an ARG instruction declares: `ARG A=1 B` declares A and B. */
export function argDeclarations(ins: Instruction): GlobalArg[] {
  if (ins.getKeyword() === 'ARG') {
    // Read ARG words directly: `ARG A B` declares two names, which the property view folds into one.
    return ins.getArguments().map((a) => {
      const word = a.getValue();
      const eq = word.indexOf('=');
      return eq < 0 ? { name: word } : { name: word.slice(0, eq), value: word.slice(eq + 1) };
    });
  }
  const props = (ins as unknown as { getProperties?: () => import('dockerfile-ast').Property[] }).getProperties?.call(ins) ?? [];
  return props.map((p) => ({ name: p.getName(), value: p.getValue() ?? undefined }));
}
