import { PLATFORM_ARG_SET, type LintModel, type Stage } from '../model';
import { buildkitRule, suggestion as suggest, type Report, type Rule } from '../rule';
import { suggestName } from '../suggest';

/** Instructions whose arguments BuildKit expands itself; shell-form RUN/CMD/ENTRYPOINT are left to the shell. */
const EXPANDED = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'ARG']);

/** Variables nearly every base image (or the builder) provides. */
const COMMON_ENV = [
  'PATH',
  'HOME',
  'HOSTNAME',
  'TERM',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'USER',
  'PWD',
  'SHELL',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'FTP_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'ftp_proxy',
  'no_proxy',
  'all_proxy',
];

export const undefinedVar: Rule = {
  meta: buildkitRule('UndefinedVar', 'Variables should be defined before their use'),
  check(model, report) {
    const stageEnv = new Map<number, Set<string>>();
    for (const stage of model.stages) {
      const inherited = stage.parent !== undefined ? stageEnv.get(stage.parent) : undefined;
      const env = new Set<string>(inherited);
      const defined = new Set<string>(inherited);
      const ctx: StageContext = { model, stage, defined, report };
      for (const ins of stage.body) {
        const kw = model.kw(ins);
        if (kw === 'ARG' || kw === 'ENV') {
          const decls = model.declarations(ins);
          if (model.argsOf(ins)?.text.includes('$')) checkInstruction(ctx, ins);
          for (const d of decls) {
            defined.add(d.name);
            if (kw === 'ENV') env.add(d.name);
          }
        } else if (EXPANDED.has(kw) && model.argsOf(ins)?.text.includes('$')) checkInstruction(ctx, ins);
      }
      stageEnv.set(stage.index, env);
    }
  },
};

/** What checking one stage needs; the two facts about the stage are computed on first need. */
interface StageContext {
  model: LintModel;
  stage: Stage;
  defined: Set<string>;
  report: Report;
  /** BuildKit sees the base image's environment; offline we only know it for stages rooted in scratch. */
  strict?: boolean;
  /** Names this stage declares with ARG further down: not the base image's, so using one first is a bug. */
  declaredLater?: Set<string>;
}

function checkInstruction(ctx: StageContext, ins: import('dockerfile-ast').Instruction): void {
  const { model, defined, report } = ctx;
  for (const v of model.vars(ins)) {
    const name = v.name;
    if (!name || defined.has(name) || PLATFORM_ARG_SET.has(name) || COMMON_ENV.includes(name)) continue;
    // ${NAME:-default} and friends say the author expects NAME may be unset.
    if (v.modified) continue;
    const range = v.range;
    const suggestion = suggestName(name, [...defined, ...COMMON_ENV]);
    // Without the base image's environment, only a near-miss of a longer name is evidence of a typo; a name
    // that extends a common one (GOPATH, PATH) is another variable the base image may well define.
    const typo = !!suggestion && name.length >= 4 && !(COMMON_ENV.includes(suggestion) && name.includes(suggestion));
    if (!typo) {
      ctx.strict ??= rootImage(model, ctx.stage) === 'scratch';
      ctx.declaredLater ??= new Set(
        ctx.stage.body.filter((i) => model.kw(i) === 'ARG').flatMap((i) => model.declared(i)),
      );
      if (!ctx.strict && !ctx.declaredLater.has(name)) continue;
    }
    report(
      range,
      `Usage of undefined variable '$${name}'${suggestion ? ` (did you mean $${suggestion}?)` : ''}`,
      suggestion ? suggest({ title: `Change to $${suggestion}`, edits: [{ range, newText: suggestion }] }) : undefined,
    );
  }
}

function rootImage(model: LintModel, stage: Stage): string | undefined {
  const root = model.lineage(stage)[0];
  return model.args(root.from)[0]?.getValue().toLowerCase();
}
