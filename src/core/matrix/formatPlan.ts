import { shellQuote } from '../engines/shellQuote';
import type { Plan } from './types';

/** The plan as JSON-ready data: what `multiarch plan --json` prints. */
export function planToJson(plan: Plan, engineReason: string): unknown {
  return {
    engine: plan.engine,
    engineReason,
    jobs: plan.jobs.map((j) => ({
      variant: j.variant,
      platforms: j.platforms,
      tags: j.tags,
      output: j.output,
      argv: j.argv,
      ...(j.cells ? { cells: j.cells } : {}),
      ...(j.files ? { files: j.files } : {}),
      ...(j.env ? { env: j.env } : {}),
      ...(j.before?.length ? { before: j.before } : {}),
      ...(j.after?.length ? { after: j.after } : {}),
    })),
  };
}

/** The plan as a shell-quoted script a user can read or paste (display only; nothing runs through a shell). */
export function planToText(plan: Plan, engineReason: string): string {
  const lines = [`# engine: ${plan.engine} (${engineReason})`];
  if (!plan.jobs.length) lines.push('# nothing to build for this selection');
  for (const j of plan.jobs) {
    lines.push('', `# ${j.variant} → ${j.platforms.join(', ')}  [${j.output}]  ${j.tags.join(' ')}`);
    // A quoted heredoc delimiter expands nothing, and JSON (the bake file) never has a line that is only EOF.
    for (const [file, content] of Object.entries(j.files ?? {})) lines.push(`cat > ${shellQuote(file)} <<'EOF'`, content.trimEnd(), 'EOF');
    for (const step of j.before ?? []) lines.push(`${quote(step)} || true`);
    const env = Object.entries(j.env ?? {})
      .map(([k, v]) => `${k}=${shellQuote(v)} `)
      .join('');
    lines.push(`${env}${quote(j.argv)}`);
    for (const step of j.after ?? []) lines.push(quote(step));
  }
  return lines.join('\n') + '\n';
}

function quote(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}
