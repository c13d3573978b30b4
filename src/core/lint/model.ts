import { Argument, DockerfileParser, From, type Dockerfile, type Instruction, type Flag } from 'dockerfile-ast';
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

/** Instructions whose leading `--name=value` words are flags, not arguments. */
const FLAGGED = new Set(['FROM', 'COPY', 'ADD', 'RUN', 'HEALTHCHECK']);

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
  private readonly argsTextCache = new Map<Instruction, { text: string; range: Range } | undefined>();

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
        const platform = this.argsOf(ins)?.text.startsWith('-') ? this.flags(ins).find((f) => f.getName().toLowerCase() === 'platform') : undefined;
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
    if (!this.index.text.includes('<<')) return;
    for (let i = 0; i < this.instructions.length; i++) {
      const kw = this.keywords[i];
      if (kw !== 'RUN' && kw !== 'COPY' && kw !== 'ADD') continue;
      if (!this.argsOf(this.instructions[i])?.text.includes('<<')) continue;
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
    if (this.argsTextCache.has(ins)) return this.argsTextCache.get(ins);
    const a = this.computeArgsOf(ins);
    this.argsTextCache.set(ins, a);
    return a;
  }

  private computeArgsOf(ins: Instruction): { text: string; range: Range } | undefined {
    const kwEnd = ins.getInstructionRange().end;
    const rangeEnd = ins.getRange().end;
    const start = this.index.offsetAt(kwEnd);
    const end = this.index.offsetAt(rangeEnd);
    let s = start;
    const t = this.index.text;
    while (s < end && (t[s] === ' ' || t[s] === '\t')) s++;
    if (s >= end) return undefined;
    // Blanks never cross a line, so the start stays on the keyword's line unless a continuation follows it.
    const startPos = t[s] === '\n' || t[s] === '\r' || t[s] === this.escape ? this.index.positionAt(s) : { line: kwEnd.line, character: kwEnd.character + (s - start) };
    return { text: t.slice(s, end), range: { start: startPos, end: rangeEnd } };
  }

  /**
   * Names an ARG or ENV declares, read from its text without re-tokenising. A quoted value that looks
   * like `X=` can only add a name, which makes the rules using this quieter, never noisier.
   */
  declared(ins: Instruction): string[] {
    const kw = this.kw(ins);
    if (kw !== 'ARG' && kw !== 'ENV') return [];
    const text = this.argsOf(ins)?.text ?? '';
    const names = new Set<string>();
    if (kw === 'ARG') {
      for (const w of text.split(/\s+/)) {
        const name = w.split('=')[0];
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) names.add(name);
      }
      return [...names];
    }
    const legacy = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s|$)/.exec(text);
    if (legacy) return [legacy[1]];
    for (const m of text.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)) names.add(m[1]);
    return [...names];
  }

  kw(ins: Instruction): string {
    return this.kwCache.get(ins) ?? ins.getKeyword();
  }

  args(ins: Instruction): Argument[] {
    let a = this.argCache.get(ins);
    if (!a) this.argCache.set(ins, (a = this.plainArgs(ins) ?? ins.getArguments()));
    return a;
  }

  /**
   * Arguments of a one-line instruction without quotes, escapes or JSON, split on blanks: the common
   * case, where dockerfile-ast's tokenizer gives the same words at many times the cost.
   */
  private plainArgs(ins: Instruction): Argument[] | undefined {
    const a = this.argsOf(ins);
    if (!a) return [];
    if (/["'\n\r[]/.test(a.text) || a.text.includes(this.escape) || a.range.start.line !== a.range.end.line) return undefined;
    const flagged = FLAGGED.has(this.kw(ins));
    const out: Argument[] = [];
    const line = a.range.start.line;
    for (const m of a.text.matchAll(/\S+/g)) {
      if (flagged && out.length === 0 && m[0].startsWith('--')) continue;
      const start = a.range.start.character + m.index;
      out.push(new Argument(m[0], { start: { line, character: start }, end: { line, character: start + m[0].length } }));
    }
    return out;
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
