import { From, type Argument, type Flag, type Instruction } from 'dockerfile-ast';
import type { Range } from './types';

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

/** What the graph needs to read from instructions; the model supplies its cached readers. */
export interface InstructionReader {
  kw(ins: Instruction): string;
  args(ins: Instruction): Argument[];
  flags(ins: Instruction): Flag[];
  argsOf(ins: Instruction): { text: string } | undefined;
}

/** The stages of a Dockerfile and how they build on each other (`FROM <stage>`). */
export class StageGraph {
  readonly stages: Stage[] = [];
  /** ARG instructions before the first FROM: the global scope. */
  readonly globalArgInstructions: Instruction[] = [];
  private readonly byName = new Map<string, number>();
  private readonly byFrom = new Map<Instruction, Stage>();

  constructor(instructions: readonly Instruction[], reader: InstructionReader) {
    let current: Stage | undefined;
    for (const ins of instructions) {
      if (ins instanceof From) {
        current = this.addStage(ins, reader);
      } else if (current) {
        current.body.push(ins);
      } else if (reader.kw(ins) === 'ARG') {
        this.globalArgInstructions.push(ins);
      }
    }
  }

  private addStage(from: From, reader: InstructionReader): Stage {
    const args = reader.args(from);
    // Only a FROM whose arguments start with a flag pays for flag parsing.
    const platform = reader.argsOf(from)?.text.startsWith('-')
      ? reader.flags(from).find((f) => f.getName().toLowerCase() === 'platform')
      : undefined;
    const stage: Stage = { index: this.stages.length, from, body: [], platform };
    if (args.length >= 3 && args[1].getValue().toLowerCase() === 'as') {
      stage.asRange = args[1].getRange();
      stage.name = args[2].getValue();
      stage.nameRange = args[2].getRange();
    }
    const base = args[0]?.getValue().toLowerCase();
    if (base !== undefined && this.byName.has(base)) stage.parent = this.byName.get(base);
    if (stage.name && !this.byName.has(stage.name.toLowerCase()))
      this.byName.set(stage.name.toLowerCase(), stage.index);
    this.stages.push(stage);
    this.byFrom.set(from, stage);
    return stage;
  }

  /** The stage a `--from=` value or base name refers to: a name (case-insensitive) or an earlier index. */
  resolve(ref: string, before = this.stages.length): number | undefined {
    const lower = ref.toLowerCase();
    const idx = this.byName.get(lower) ?? (/^\d+$/.test(lower) ? Number(lower) : undefined);
    return idx !== undefined && idx < before ? idx : undefined;
  }

  isStageName(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /** The stages `stage` is built on (FROM <stage>), oldest first, including itself. */
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

  /** The `--platform` a stage runs with: its own, or that of the stage it is built FROM (as BuildKit inherits it). */
  platformOf(stage: Stage): Flag | undefined {
    const line = this.lineage(stage);
    for (let i = line.length - 1; i >= 0; i--) if (line[i].platform) return line[i].platform;
    return undefined;
  }

  stageOf(from: Instruction): Stage | undefined {
    return this.byFrom.get(from);
  }
}
