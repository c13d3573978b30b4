import { readFile, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrUsage } from '../args';
import type { CliIO } from '../io';
import { fixAll, RULE_NAMES } from '../../core/lint';
import { writeFileAtomic } from '../../core/state';
import { decodeLossless } from '../../core/lint/bytes';
import { isDockerfileName } from '../../core/config/fileNames';
import { configNear, lintCells, loadLintContext } from '../../core/lint/lintContext';
import { formatProblems } from '../config';

const help = `multiarch fix [FILES...] [--rule R]... [--stdout]

Applies every safe fix (or only those of the named rules) to each Dockerfile: fixes that keep what the
build does. Suggestions that guess or change behaviour (a did-you-mean, \${TARGETARCH}, a cross-compile
rewrite) are left for the editor's lightbulb; "multiarch lint --format json" lists them.
Files are rewritten atomically, keeping their mode; --stdout prints the fixed text instead.
Without FILES, fixes Dockerfile / Containerfile in the current folder.
Exit status: 2 on bad usage, or a config next to a Dockerfile that is not valid (that Dockerfile is left as it is).
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseOrUsage({ name: 'fix', help, io }, () =>
    parseArgs({
      args,
      options: {
        rule: { type: 'string', multiple: true },
        stdout: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const unknown = (values.rule ?? []).filter((r) => !RULE_NAMES.includes(r));
  if (unknown.length) {
    io.err(
      `multiarch fix: unknown rule ${unknown.map((r) => `"${r}"`).join(', ')}; known rules: ${RULE_NAMES.join(', ')}\n`,
    );
    return 2;
  }
  const files = positionals.length ? positionals : await defaultDockerfiles(io.cwd);
  if (!files.length) {
    io.err('multiarch fix: no Dockerfile here; pass the files to fix, e.g. "multiarch fix path/to/Dockerfile"\n');
    return 2;
  }
  for (const file of files) {
    const path = resolve(io.cwd, file);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      io.err(
        `multiarch fix: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; check the path\n`,
      );
      return 2;
    }
    if (bytes.includes(0)) {
      io.err(`multiarch fix: ${file} is not a text file; skipped\n`);
      continue;
    }
    const decoded = decodeLossless(bytes);
    if (!decoded) {
      io.err(
        `multiarch fix: ${file} mixes invalid UTF-8 with the characters U+F780-U+F7FF, so its bytes could not be kept exactly; skipped\n`,
      );
      continue;
    }
    const config = await configNear(path);
    if (config && !config.ok) {
      io.err(formatProblems(config.problems));
      return 2;
    }
    const context = await loadLintContext(path, { near: lintCells(config, path) });
    const result = fixAll(decoded.text, context, values.rule ? { only: values.rule } : {});
    // Every byte outside the edits comes back as it was, invalid UTF-8 included.
    const fixed = decoded.encode(result.text);
    if (values.stdout) {
      io.out(fixed.toString('utf8'));
      continue;
    }
    if (!fixed.equals(bytes)) await writeFileAtomic(path, fixed);
    io.err(`${file}: ${result.applied} fix${result.applied === 1 ? '' : 'es'} applied\n`);
  }
  return 0;
}

export async function defaultDockerfiles(cwd: string): Promise<string[]> {
  try {
    const names = await readdir(cwd);
    return names.filter(isDockerfileName).sort();
  } catch {
    return [];
  }
}
