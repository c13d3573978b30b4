import { onNode } from '../nodes/endpoint';
import { LOCAL_NODE } from '../nodes/types';
import { shellQuote } from '../engines/shellQuote';
import { partImageFile } from '../schedule/podmanParts';
import type { Plan } from '../jobs';

/** The plan as JSON-ready data: what `multiarch plan --json` prints. */
export function planToJson(plan: Plan, engineReason: string): unknown {
  // Pulls and warm-ups name their node only when build nodes take part; every job always names its own.
  const where = (step: { node?: string }) => (plan.nodes?.length ? { node: step.node ?? LOCAL_NODE } : {});
  return {
    engine: plan.engine,
    engineReason,
    jobs: plan.jobs.map((j) => ({
      variant: j.variant,
      node: j.node ?? LOCAL_NODE,
      platforms: j.platforms,
      tags: j.tags,
      output: j.output,
      argv: j.argv,
      ...(j.parts ? { parts: j.parts.map((p) => ({ platform: p.platform, argv: p.argv })) } : {}),
      ...(j.cells ? { cells: j.cells } : {}),
      ...(j.files ? { files: j.files } : {}),
      ...(j.env ? { env: j.env } : {}),
      ...(j.before?.length ? { before: j.before } : {}),
      ...(j.after?.length ? { after: j.after } : {}),
    })),
    warmup: (plan.warmup ?? []).map((w) => ({
      stage: w.stage,
      ...(w.steps !== undefined ? { steps: w.steps } : {}),
      platforms: w.platforms,
      ...where(w),
      argv: w.argv,
      ...(w.env ? { env: w.env } : {}),
      ...(w.files ? { files: w.files } : {}),
    })),
    pulls: (plan.pulls ?? []).map((p) => ({ image: p.image, platform: p.platform, ...where(p) })),
    ...(plan.nodes?.length
      ? {
          nodes: plan.nodes.map((n) => ({
            name: n.name,
            engine: n.engine,
            endpoint: n.endpoint,
            platforms: n.platforms,
          })),
        }
      : {}),
  };
}

/** The plan as a shell-quoted script a user can read or paste (display only; nothing runs through a shell). */
export function planToText(plan: Plan, engineReason: string): string {
  const lines = [`# engine: ${plan.engine} (${engineReason})`];
  if (!plan.jobs.length) lines.push('# nothing to build for this selection');
  if (plan.pulls?.length) {
    lines.push('', '# first, each base image once per platform (one image at a time per name)');
    for (const p of plan.pulls) {
      const node = plan.nodes?.find((n) => n.name === p.node);
      lines.push(
        quote(
          onNode(
            [
              node?.engine ?? (plan.engine === 'podman' ? 'podman' : 'docker'),
              'pull',
              '--platform',
              p.platform,
              p.image,
            ],
            node,
          ),
        ),
      );
    }
  }
  if (plan.warmup?.length) {
    lines.push('', '# then the stages every variant shares, once (the variant builds reuse them from the cache)');
    for (const w of plan.warmup) {
      if (w.steps !== undefined)
        lines.push(
          `# ${w.stage}: its first ${w.steps} steps (before a variant's value enters), from a copy cut after them`,
        );
      lines.push(...heredocs(w.files), `${envText(w.env)}${quote(w.argv)}`);
      for (const file of Object.keys(w.files ?? {})) lines.push(`rm -f ${shellQuote(file)}`);
    }
    lines.push('', '# then the variants, in parallel');
  }
  // With build nodes, every job says where it runs, this machine included; without, nothing changes.
  const onNodes = Boolean(plan.nodes?.length) || plan.jobs.some((j) => j.node);
  for (const j of plan.jobs) {
    const at = onNodes ? `  on ${j.node ? `node ${j.node}` : LOCAL_NODE}` : '';
    lines.push('', `# ${j.variant} → ${j.platforms.join(', ')}  [${j.output}]  ${j.tags.join(' ')}${at}`);
    lines.push(...heredocs(j.files));
    for (const step of j.before ?? []) lines.push(`${quote(step)} || true`);
    // Split jobs: one build per platform side by side (podman: each after its platform's warm-up), then the list.
    if (j.parts) lines.push(...j.parts.map((p) => `${envText(j.env)}${quote(p.argv)} &`), 'wait');
    else lines.push(`${envText(j.env)}${quote(j.argv)}`);
    if (j.parts && j.engine === 'buildx')
      lines.push(
        `# then one index of the images the builds pushed (the digests their metadata files name) under ${j.tags.join(' ')}`,
      );
    for (const step of j.after ?? []) lines.push(quote(step));
  }
  return lines.join('\n') + '\n';
}

/**
 * Each generated file as a `cat` with a quoted heredoc, which expands nothing. JSON (the bake file) never has
 * a line that is only EOF; a cut Dockerfile could (a heredoc of its own), so its delimiter avoids its lines.
 */
function heredocs(files: Record<string, string> | undefined): string[] {
  return Object.entries(files ?? {}).flatMap(([file, content]) => {
    const lines = content.split('\n');
    let end = 'EOF';
    while (lines.includes(end)) end += '_';
    return [`cat > ${shellQuote(file)} <<'${end}'`, content.trimEnd(), end];
  });
}

function envText(env: Record<string, string> | undefined): string {
  return Object.entries(env ?? {})
    .map(([k, v]) => `${k}=${shellQuote(v)} `)
    .join('');
}

function quote(argv: string[]): string {
  return argv
    .map((a) => {
      const iid = partImageFile(a);
      return iid === undefined ? shellQuote(a) : `containers-storage:"$(cat ${shellQuote(iid)})"`;
    })
    .join(' ');
}
