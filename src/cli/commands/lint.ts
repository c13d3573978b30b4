import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrUsage } from '../args';
import type { CliIO } from '../io';
import { BUILDKIT_RELEASE, lintDockerfile } from '../../core/lint';
import { checkBaseImagePlatforms, type LintCell } from '../../core/lint/baseImagePlatform';
import type { LintModel } from '../../core/lint/model';
import { configNear, lintCells, loadLintContext } from '../../core/lint/lintContext';
import { formatProblems } from '../config';
import { projectPlatformLookup } from '../../core/registry';
import type { LintDiagnostic } from '../../core/lint';
import { formatJson, formatSarif, formatText, type FileDiagnostics } from '../../core/lint/report';
import { defaultDockerfiles } from './fix';

const help = `multiarch lint [FILES...] [--format text|json|sarif] [--strict] [--no-network] [--version]

Checks Dockerfiles with every BuildKit build check plus the multi-arch rules. With a multiarch.yaml next to
the Dockerfile, the rules that depend on build args or platform run for each variant and platform, and a
finding that holds in some of them only says which ("in variant redis", "for linux/arm64"; JSON: cells).
InvalidBaseImagePlatform asks each FROM image's registry which platforms it has (answers cached for 6 hours
in .multiarch/cache); --no-network skips that check.
--version prints which BuildKit release the checks follow.
Without FILES, lints Dockerfile / Containerfile in the current folder.
Exit status: 1 when a finding is an error (or any finding, with --strict), 2 on bad usage or a config next to a
Dockerfile that is not valid.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage({ name: 'lint', help, io }, () =>
    parseArgs({
      args,
      options: {
        format: { type: 'string', default: 'text' },
        strict: { type: 'boolean', default: false },
        'no-network': { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.version) {
    io.out(`multiarch lint: the BuildKit checks follow ${BUILDKIT_RELEASE}\n`);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    io.err(`multiarch lint: --format must be text, json or sarif (got "${format}")\n`);
    return 2;
  }
  const files = positionals.length ? positionals : await defaultDockerfiles(io.cwd);
  if (!files.length) {
    io.err('multiarch lint: no Dockerfile here; pass the files to lint, e.g. "multiarch lint path/to/Dockerfile"\n');
    return 2;
  }
  const results: FileDiagnostics[] = [];
  for (const file of files) {
    const path = resolve(io.cwd, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      io.err(
        `multiarch lint: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; check the path\n`,
      );
      return 2;
    }
    const config = await configNear(path);
    // A config that is not valid (over a limit, say) is refused as by every command, not silently left out.
    if (config && !config.ok) {
      io.err(formatProblems(config.problems));
      return 2;
    }
    const near = lintCells(config, path);
    const context = await loadLintContext(path, { near });
    const { diagnostics, model } = lintDockerfile(text, context);
    if (!values['no-network'] && near) {
      diagnostics.push(...(await baseImageFindings(near, { model, buildPlatform: context.buildPlatform }, io)));
      diagnostics.sort(
        (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
      );
    }
    results.push({ file: relative(io.cwd, path) || file, diagnostics });
  }
  if (format === 'json') io.out(formatJson(results));
  else if (format === 'sarif') io.out(formatSarif(results, '0.1.0'));
  else io.out(formatText(results));
  const all = results.flatMap((r) => r.diagnostics);
  return all.some((d) => d.severity === 'error') || (values.strict && all.length > 0) ? 1 : 0;
}

/** InvalidBaseImagePlatform for the variants that build this Dockerfile; an unreachable registry is one line on stderr. */
async function baseImageFindings(
  near: { root: string; cells: LintCell[] },
  { model, buildPlatform }: { model: LintModel; buildPlatform: string | undefined },
  io: CliIO,
): Promise<LintDiagnostic[]> {
  const { diagnostics, unreachable } = await checkBaseImagePlatforms(model, near.cells, {
    lookup: await projectPlatformLookup(near.root, io.env),
    buildPlatform,
  });
  for (const u of unreachable) {
    io.err(
      `multiarch lint: InvalidBaseImagePlatform skipped for ${u.image}: ${u.reason} (offline? use --no-network to skip the check)\n`,
    );
  }
  return diagnostics;
}
