import { DockerfileParser } from 'dockerfile-ast';

/**
 * Where a failed build went wrong, from the engine's output. Pure text parsing; the regexes are exported
 * so the VS Code problem matcher uses the same ones.
 *
 * Current BuildKit prints `Dockerfile:12`, a snippet with `>>>` on the failing lines, then
 * `ERROR: failed to solve: process "/bin/sh -c …" did not complete successfully: exit code: N`.
 * Docker 20.10's BuildKit prints ` > [3/3] RUN …:` and `executor failed running [/bin/sh -c …]: exit code: N`
 * with no line number, and podman prints `Error: building at STEP "RUN …": …`; for those the step's text
 * is looked up in the Dockerfile.
 */
export const buildErrorPatterns = {
  /** `Dockerfile:12` (or `docker/app.Dockerfile:12`) on its own line, before the snippet. */
  snippetLocation: /^(?:#\d+ )?(\S*?):(\d+)$/,
  /** A snippet line of the failing instruction: `  11 | >>> RUN forge test`. */
  snippetFailingLine: /^\s*(\d+) \| >>> (.*)$/,
  failedToSolve: /^(?:ERROR: )?failed to solve(?: with frontend [\w.]+)?: (.*)$/,
  processFailed: /process "(.*)" did not complete successfully: exit code: (\d+)/,
  executorFailed: /executor failed running \[(.*)\]: exit code: (\d+)/,
  parseErrorLine: /dockerfile parse error (?:on )?line (\d+): (.*)$/i,
  /** ` > [3/3] RUN echo hi:` or ` > [stage-3  9/11] RUN pip install …:` */
  failedStep: /^ > \[(?:[^\]]*?\s)?\d+\/\d+\] (.*):$/,
  podmanFailedStep: /building at STEP "(.*)": (.*)$/,
} as const;

export interface BuildProblem {
  /** Dockerfile path as printed (modern BuildKit) or as given by the caller. */
  file?: string;
  /** 1-based line. */
  line?: number;
  message: string;
  exitCode?: number;
}

export interface DockerfileSource {
  path: string;
  text: string;
}

export function parseBuildFailure(output: string, dockerfile?: DockerfileSource): BuildProblem | undefined {
  const lines = output.split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
  const p = buildErrorPatterns;
  let file: string | undefined;
  let line: number | undefined;
  let step: string | undefined;
  let message: string | undefined;
  let exitCode: number | undefined;

  lines.forEach((text, i) => {
    let m: RegExpExecArray | null;
    if ((m = p.snippetLocation.exec(text)) && /^-{8,}$/.test(lines[i + 1] ?? '') && m[1]) {
      file = m[1];
      line = Number(m[2]);
    } else if ((m = p.failedToSolve.exec(text))) {
      message = m[1];
      const parse = p.parseErrorLine.exec(m[1]!);
      if (parse) line ??= Number(parse[1]);
    } else if ((m = p.failedStep.exec(text))) {
      step = m[1];
    } else if ((m = p.podmanFailedStep.exec(text))) {
      step = m[1];
      message = text.replace(/^Error: /, '');
    } else if ((m = p.executorFailed.exec(text))) {
      message ??= text.replace(/^#\d+ ERROR: /, '');
    }
    const code = p.processFailed.exec(text) ?? p.executorFailed.exec(text);
    if (code) exitCode = Number(code[2]);
    const exit = /exit status (\d+)$/.exec(text);
    if (exit && p.podmanFailedStep.test(text)) exitCode = Number(exit[1]);
  });
  // Docker 20.10 ends with the bare executor message after the step block; prefer it over nothing.
  message ??= lines.filter((l) => l.trim()).pop();
  if (!message) return undefined;
  if (line === undefined && step && dockerfile) line = locateInstruction(dockerfile.text, step);
  if (!file && line !== undefined && dockerfile) file = dockerfile.path;
  // BuildKit names the file as the build context sees it (`Dockerfile:6`): the file built is that one.
  if (file && dockerfile && !file.startsWith('/') && dockerfile.path.endsWith(`/${file}`)) file = dockerfile.path;
  return {
    ...(file ? { file } : {}),
    ...(line !== undefined ? { line } : {}),
    message,
    ...(exitCode !== undefined ? { exitCode } : {}),
  };
}

/**
 * 1-based line of the instruction an engine printed as a step (`RUN echo $X && exit 3`). Engines print
 * steps with build args substituted and continuations joined, so the best match by shared words wins,
 * among instructions with the same keyword.
 */
export function locateInstruction(dockerfileText: string, step: string): number | undefined {
  const words = (s: string) => s.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean);
  const [keyword, ...stepWords] = words(step);
  if (!keyword) return undefined;
  let best: { line: number; score: number } | undefined;
  for (const ins of DockerfileParser.parse(dockerfileText).getInstructions()) {
    if (ins.getKeyword().toUpperCase() !== keyword.toUpperCase()) continue;
    const have = new Set(words(ins.getRawArgumentsContent() ?? ''));
    const score =
      stepWords.filter((w) => have.has(w)).length + (stepWords.join(' ') === [...have].join(' ') ? 1000 : 0);
    if (!best || score > best.score) best = { line: ins.getInstructionRange().start.line + 1, score };
  }
  return best?.line;
}
