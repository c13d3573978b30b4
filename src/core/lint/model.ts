import {
  Argument,
  DockerfileParser,
  ModifiableInstruction,
  type Dockerfile,
  type Flag,
  type Instruction,
} from 'dockerfile-ast';
import { instructionCheck, precedingComments, type Comment } from './comments';
import { parseCheckValue, parseDirectiveBlock, type CheckConfig, type DirectiveBlock } from './directives';
import { StageGraph, type Stage } from './stageGraph';
import { TextIndex, type ArgsText } from './textIndex';
import type { LineIndex } from './text';
import {
  readDeclarations,
  readPlainDeclarations,
  scanVariables,
  type Declaration,
  type VariableUse,
} from './variables';
import type { LintContext, Range } from './types';

export type { Stage } from './stageGraph';

import { PLATFORM_ARGS } from '../platformArgs';

export { PLATFORM_ARGS, PLATFORM_ARG_SET } from '../platformArgs';
/** Every name BuildKit predefines in the global scope (the platform args, their OS versions, the target stage). */
export const PREDEFINED_ARGS = [...PLATFORM_ARGS, 'BUILDOSVERSION', 'TARGETOSVERSION', 'TARGETSTAGE'];

/** Keyword as written → upper case; shared by every model (the set of spellings stays small). */
const KEYWORDS = new Map<string, string>();

/** Instructions whose leading `--name=value` words are flags, not arguments. */
const FLAGGED = new Set(['FROM', 'COPY', 'ADD', 'RUN', 'HEALTHCHECK']);

/**
 * Everything a rule needs, from a single parse: the text index (positions, heredoc spans, argument text),
 * the stage graph, and per-instruction readers (keyword, words, flags, variable uses, declarations), each
 * computed at most once because dockerfile-ast recomputes them on every call.
 */
export class LintModel {
  readonly source: TextIndex;
  readonly dockerfile: Dockerfile;
  readonly instructions: Instruction[];
  readonly graph: StageGraph;
  readonly escape: string;
  readonly directives: DirectiveBlock;
  readonly check: CheckConfig;
  private readonly argCache = new Map<Instruction, Argument[]>();
  private readonly flagCache = new Map<Instruction, Flag[]>();
  private readonly varCache = new Map<Instruction, VariableUse[]>();
  private readonly declCache = new Map<Instruction, Declaration[]>();
  private commentMap?: Map<Instruction, Comment[]>;
  private checkMap?: Map<Instruction, CheckConfig>;

  constructor(
    readonly text: string,
    readonly context: LintContext = {},
  ) {
    this.dockerfile = DockerfileParser.parse(text);
    this.escape = this.dockerfile.getEscapeCharacter();
    this.source = new TextIndex(text, this.escape);
    this.directives = parseDirectiveBlock(this.source.lines);
    this.check = parseCheckValue(this.directives.directives.find((d) => d.name === 'check')?.value);
    this.instructions = this.dockerfile.getInstructions();
    this.graph = new StageGraph(this.instructions, this);
    this.source.indexHeredocs(this.instructions);
  }

  get index(): LineIndex {
    return this.source.lines;
  }

  get stages(): Stage[] {
    return this.graph.stages;
  }

  get heredocSpans(): Array<[number, number]> {
    return this.source.heredocSpans;
  }

  get heredocLines(): Set<number> {
    return this.source.heredocLines;
  }

  inHeredoc(offset: number): boolean {
    return this.source.inHeredoc(offset);
  }

  argsOf(ins: Instruction): ArgsText | undefined {
    return this.source.argsOf(ins);
  }

  rangeText(r: Range): string {
    return this.source.rangeText(r);
  }

  lineage(stage: Stage): Stage[] {
    return this.graph.lineage(stage);
  }

  kw(ins: Instruction): string {
    // Rules ask for every instruction's keyword many times. Most are written in capitals, and checking that
    // a few letters are A–Z is cheaper than a map lookup keyed by a fresh string (which compares contents);
    // other spellings go through the map, which holds a handful of them.
    const raw = ins.getInstruction();
    let upper = true;
    for (let i = 0; i < raw.length && upper; i++) {
      const c = raw.charCodeAt(i);
      upper = c >= 65 && c <= 90;
    }
    if (upper) return raw;
    let kw = KEYWORDS.get(raw);
    if (kw === undefined) KEYWORDS.set(raw, (kw = raw.toUpperCase()));
    return kw;
  }

  private kinds?: Map<string, Instruction[]>;

  /**
   * The instructions with any of these keywords, in file order. One pass over the file indexes them for
   * every rule, so a rule about EXPOSE does not walk every RUN.
   */
  ofKind(...keywords: string[]): Instruction[] {
    if (!this.kinds) {
      this.kinds = new Map();
      for (const ins of this.instructions) {
        const kw = this.kw(ins);
        const list = this.kinds.get(kw);
        if (list) list.push(ins);
        else this.kinds.set(kw, [ins]);
      }
    }
    const key = keywords.join(' ');
    let found = this.kinds.get(key);
    if (!found) {
      found = keywords.flatMap((k) => this.kinds!.get(k) ?? []);
      if (keywords.length > 1) found.sort((a, b) => a.getRange().start.line - b.getRange().start.line);
      this.kinds.set(key, found);
    }
    return found;
  }

  /** The global ARG declarations (before the first FROM), in order. */
  get globalArgs(): Declaration[] {
    return this.graph.globalArgInstructions.flatMap((ins) => this.declarations(ins));
  }

  /** What an ARG or ENV declares (one reader for every rule). */
  declarations(ins: Instruction): Declaration[] {
    let d = this.declCache.get(ins);
    if (!d) {
      const kw = this.kw(ins);
      const a = kw === 'ARG' || kw === 'ENV' ? this.argsOf(ins) : undefined;
      const plain =
        a && a.range.start.line === a.range.end.line
          ? readPlainDeclarations(kw, { text: a.text, start: a.range.start }, this.escape)
          : undefined;
      this.declCache.set(ins, (d = plain ?? readDeclarations(ins)));
    }
    return d;
  }

  /** Names an ARG or ENV declares. */
  declared(ins: Instruction): string[] {
    const kw = this.kw(ins);
    return kw === 'ARG' || kw === 'ENV' ? this.declarations(ins).map((d) => d.name) : [];
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
    if (/["'\n\r[]/.test(a.text) || a.text.includes(this.escape) || a.range.start.line !== a.range.end.line)
      return undefined;
    const flagged = FLAGGED.has(this.kw(ins));
    const out: Argument[] = [];
    const line = a.range.start.line;
    for (const m of a.text.matchAll(/\S+/g)) {
      if (flagged && out.length === 0 && m[0].startsWith('--')) continue;
      const start = a.range.start.character + m.index;
      out.push(
        new Argument(m[0], { start: { line, character: start }, end: { line, character: start + m[0].length } }),
      );
    }
    return out;
  }

  flags(ins: Instruction): Flag[] {
    let f = this.flagCache.get(ins);
    if (!f) this.flagCache.set(ins, (f = ins instanceof ModifiableInstruction ? ins.getFlags() : []));
    return f;
  }

  /** Variable uses in an instruction's arguments (flags included), outside heredoc bodies. */
  vars(ins: Instruction): VariableUse[] {
    let v = this.varCache.get(ins);
    if (!v) {
      const r = ins.getRange();
      const kwEnd = this.index.offsetAt(ins.getInstructionRange().end);
      const skip = this.heredocSpans.length ? (o: number) => this.inHeredoc(o) : undefined;
      this.varCache.set(
        ins,
        (v = scanVariables(this.index, { start: kwEnd, end: this.index.offsetAt(r.end), escape: this.escape, skip })),
      );
    }
    return v;
  }

  /** The comment lines BuildKit attaches to an instruction (since the previous one, reset by a bare `#`). */
  comments(ins: Instruction): Comment[] {
    this.commentMap ??= precedingComments(this.source, this.instructions, this.directives.insertLine);
    return this.commentMap.get(ins) ?? [];
  }

  /** Instructions with a `# check=…` comment of their own, and what it says. */
  get instructionChecks(): Map<Instruction, CheckConfig> {
    if (!this.checkMap) {
      this.checkMap = new Map();
      // Cheap test first: most files have no such comment.
      if (/#\s*check\s*=/i.test(this.text.slice(this.index.starts[this.directives.insertLine] ?? this.text.length))) {
        for (const ins of this.instructions) {
          const cfg = instructionCheck(this.comments(ins));
          if (cfg) this.checkMap.set(ins, cfg);
        }
      }
    }
    return this.checkMap;
  }

  /** The instruction whose lines include `line`, if any (binary search; instructions are in order). */
  instructionAt(line: number): Instruction | undefined {
    let lo = 0;
    let hi = this.instructions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.instructions[mid].getRange();
      if (line < r.start.line) hi = mid - 1;
      else if (line > r.end.line) lo = mid + 1;
      else return this.instructions[mid];
    }
    return undefined;
  }

  /** True when a stage is (explicitly or plausibly) built for more than one platform. */
  get multiPlatform(): boolean {
    if (this.context.platformCount !== undefined) return this.context.platformCount > 1;
    return /\$\{?(TARGETARCH|TARGETPLATFORM|TARGETOS|BUILDPLATFORM)\b/.test(this.text);
  }

  /** Matches the keyword case used by `ins` (lowercase keyword in, lowercase keyword out). */
  keywordLike(ins: Instruction, keyword: string): string {
    const raw = ins.getInstruction();
    return raw === raw.toLowerCase() && raw !== raw.toUpperCase() ? keyword.toLowerCase() : keyword.toUpperCase();
  }
}
