import { processWord } from '../lint/shellWord';
import { LintModel, PLATFORM_ARGS, type Stage } from '../lint/model';

/** One stage of a Dockerfile as one variant builds it for one platform. */
export interface StageNode {
  index: number;
  /** Stage name as written (`AS name`); `--target` needs it. */
  name?: string;
  /** The image the stage starts from after ARG expansion; absent when it starts from a stage or scratch. */
  image?: string;
  /** The platform the stage runs for: the target platform, or its expanded `FROM --platform=`. */
  platform: string;
  /** Stages whose results this one uses: its FROM stage, `COPY --from`, `RUN --mount=…,from=`. */
  deps: number[];
  /** Images named by `COPY --from=<image>` / `--mount=…,from=<image>`, pulled like a FROM. */
  images: string[];
  /** Build args the stage reads: declared in its body, or used in its FROM line or `--from` values. */
  reads: Set<string>;
  /** Whether the stage runs or copies anything (worth building ahead of the variants). */
  work: boolean;
  /** The stage its FROM names, when it starts from one. */
  fromStage?: number;
  /** Build args its FROM line reads (a varying one makes the whole stage vary). */
  fromReads: Set<string>;
  /** Its instructions after FROM, in order: where a variant-varying value first enters the stage. */
  steps: StepNode[];
}

/** One instruction of a stage body, as far as sharing its result between variants goes. */
export interface StepNode {
  /** The instruction's last line (0-based, heredoc bodies included): a Dockerfile cut after it ends there. */
  endLine: number;
  /** Args it declares (ARG): from here on the stage's steps see their values. */
  declares: string[];
  /** Stages it uses (`COPY --from`, `RUN --mount=…,from=`). */
  deps: number[];
  /** Args its `--from` / `--mount from=` values read. */
  reads: string[];
  /** Whether it runs or copies anything. */
  work: boolean;
}

/** `linux/arm64/v8` → the values BuildKit predefines for it. */
function platformVars(prefix: 'TARGET' | 'BUILD', platform: string): Array<[string, string]> {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  return [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ];
}

/**
 * The stage graph of `text` built with `args` for `platform` on a `host` build platform: which image each
 * stage starts from (ARG expansion with the args and the Dockerfile's global defaults, the way BuildKit
 * expands FROM), which stages it uses, and which build args it reads. Parsed by the linter's model, the
 * project's one Dockerfile parser.
 */
export function stageGraph(
  text: string,
  { args, platform, host }: { args: Record<string, string>; platform: string; host: string },
): StageNode[] {
  const model = new LintModel(text);
  const global = new Map<string, string>([...platformVars('TARGET', platform), ...platformVars('BUILD', host)]);
  for (const a of model.globalArgs) {
    if (PLATFORM_ARGS.includes(a.name)) continue;
    const value = args[a.name] ?? (a.raw === undefined ? undefined : processWord(a.raw, global, model.escape)?.result);
    if (value === undefined) global.delete(a.name);
    else global.set(a.name, value);
  }
  return model.stages.map((stage): StageNode => {
    const reads = new Set<string>();
    const fromArgs = model.args(stage.from);
    const fromWord = fromArgs[0]?.getValue() ?? '';
    for (const v of model.vars(stage.from)) reads.add(v.name);
    const expanded = processWord(fromWord, global, model.escape)?.result ?? fromWord;
    const platformFlag = stage.platform?.getValue();
    const stagePlatform = platformFlag
      ? (processWord(platformFlag, global, model.escape)?.result ?? platform)
      : platform;
    const node: StageNode = {
      index: stage.index,
      platform: stagePlatform,
      deps: [],
      images: [],
      reads,
      work: false,
      fromReads: new Set(reads),
      steps: [],
    };
    if (stage.name) node.name = stage.name;
    const parent = model.graph.resolve(expanded, stage.index);
    if (parent !== undefined && !/^\d+$/.test(expanded)) node.deps.push((node.fromStage = parent));
    else if (expanded.toLowerCase() !== 'scratch' && expanded !== '') node.image = expanded;
    scanBody(model, { stage, node }, global);
    return node;
  });
}

/** Fills `node`'s steps from `stage`'s instructions, with the build args `global` declares. */
function scanBody(
  model: LintModel,
  { stage, node }: { stage: Stage; node: StageNode },
  global: Map<string, string>,
): void {
  const local = new Map(global);
  for (const ins of stage.body) {
    const kw = model.kw(ins);
    let endLine = ins.getRange().end.line;
    while (model.heredocLines.has(endLine + 1)) endLine++;
    const step: StepNode = { endLine, declares: [], deps: [], reads: [], work: false };
    node.steps.push(step);
    if (kw === 'ARG') step.declares.push(...model.declared(ins));
    for (const name of step.declares) node.reads.add(name);
    if (kw === 'RUN' || kw === 'COPY' || kw === 'ADD') step.work = node.work = true;
    if (kw !== 'RUN' && kw !== 'COPY' && kw !== 'ADD') continue;
    for (const f of model.flags(ins)) {
      const name = f.getName().toLowerCase();
      const value = f.getValue() ?? '';
      let from: string | undefined;
      if (name === 'from' && kw !== 'RUN') from = value;
      else if (name === 'mount') from = /(?:^|,)from=([^,]+)/.exec(value)?.[1];
      if (from === undefined) continue;
      for (const m of from.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) step.reads.push(m[1]!);
      for (const name of step.reads) node.reads.add(name);
      const ref = processWord(from, local, model.escape)?.result ?? from;
      const dep = model.graph.resolve(ref, stage.index);
      if (dep !== undefined) {
        node.deps.push(dep);
        step.deps.push(dep);
      } else if (ref && ref.toLowerCase() !== 'scratch') node.images.push(ref);
    }
  }
}

/** The stages `target` needs (itself included), in Dockerfile order. */
export function closure(stages: StageNode[], target: number): number[] {
  const seen = new Set<number>();
  const visit = (i: number) => {
    if (seen.has(i) || !stages[i]) return;
    seen.add(i);
    for (const d of stages[i]!.deps) visit(d);
  };
  visit(target);
  return [...seen].sort((a, b) => a - b);
}

/** The stage a build ends at: the named `target` (case-insensitive), or the last stage. */
export function targetIndex(stages: StageNode[], target: string | undefined): number | undefined {
  if (target === undefined) return stages.length ? stages.length - 1 : undefined;
  return stages.find((s) => s.name?.toLowerCase() === target.toLowerCase())?.index;
}

/** Stages whose result depends on any of `varying` args, directly or through a stage they use. */
export function dependentStages(stages: StageNode[], varying: Set<string>): Set<number> {
  const out = new Set<number>();
  for (const s of stages) {
    if ([...s.reads].some((a) => varying.has(a)) || s.deps.some((d) => out.has(d))) out.add(s.index);
  }
  return out;
}

/**
 * How many of `stage`'s first steps every variant shares: those before the first one whose result can
 * differ between them, because it declares a varying arg (RUN sees a declared arg's value, so every later
 * step's cache key carries it), uses a stage in `dependent`, or names its source with a varying arg. ENV
 * can only pass on an arg declared before it, so it needs no rule of its own. A stage whose FROM varies
 * shares none.
 */
export function sharedSteps(stage: StageNode, varying: Set<string>, dependent: Set<number>): number {
  if (
    [...stage.fromReads].some((a) => varying.has(a)) ||
    (stage.fromStage !== undefined && dependent.has(stage.fromStage))
  )
    return 0;
  const cut = stage.steps.findIndex(
    (s) =>
      s.declares.some((a) => varying.has(a)) ||
      s.deps.some((d) => dependent.has(d)) ||
      s.reads.some((a) => varying.has(a)),
  );
  return cut < 0 ? stage.steps.length : cut;
}
