import type { NodeEntry } from '../../core/config/editNodes';
import { endpointExamples, endpointProblem, nodeNameProblem, type NodeEngineName } from '../../core/config/nodeFields';
import { knownPlatforms } from '../../core/config/platform';
import { back, type Answer, type Prompter } from './prompter';

/** Where a new node is written: a project's multiarch.yaml (committed, the team's) or this machine's setting. */
export type SaveTarget = { kind: 'file'; file: string; label: string } | { kind: 'setting' };

const title = 'Add Build Node';

/**
 * Name → engine → endpoint → platforms → where to save (asked only when there is a choice), with Back between
 * steps. Each answer is checked as it is typed; undefined when the user cancels.
 */
export async function askForNode(
  prompter: Prompter,
  taken: readonly string[],
  targets: SaveTarget[],
): Promise<{ node: NodeEntry; target: SaveTarget } | undefined> {
  const a: { name?: string; engine?: NodeEngineName; endpoint?: string; platforms?: string[]; target?: SaveTarget } =
    {};
  const totalSteps = targets.length > 1 ? 5 : 4;
  const at = (step: number) => ({ title, step, totalSteps });
  // Back keeps the earlier answers: a step shown again starts from what was answered before.
  const steps: (() => Promise<Answer<true>>)[] = [
    async () =>
      keep(
        await prompter.input({
          ...at(1),
          prompt: 'Name of the machine, shown where each cell was built ("on arm-box")',
          placeholder: 'arm-box',
          ...(a.name ? { value: a.name } : {}),
          validate: (v) => nodeNameProblem(v, taken),
        }),
        (v) => (a.name = v),
      ),
    async () =>
      keep(
        await prompter.pickOne<NodeEngineName>({
          ...at(2),
          placeholder: `Engine on ${a.name}`,
          items: [
            {
              label: 'podman',
              description: 'podman API service (podman system service)',
              value: 'podman',
              picked: a.engine !== 'docker',
            },
            {
              label: 'docker',
              description: 'dockerd with BuildKit, one platform per build',
              value: 'docker',
              picked: a.engine === 'docker',
            },
          ],
        }),
        (v) => (a.engine = v),
      ),
    async () => {
      const engine = a.engine!;
      return keep(
        await prompter.input({
          ...at(3),
          prompt: `How to reach ${engine} on ${a.name}: ${endpointExamples[engine].join(', ')}`,
          placeholder: endpointExamples[engine][0]!,
          ...(a.endpoint ? { value: a.endpoint } : {}),
          validate: (v) => endpointProblem(engine, v),
        }),
        (v) => (a.endpoint = v),
      );
    },
    async () =>
      keep(
        await prompter.pickMany<string>({
          ...at(4),
          placeholder: `Platforms ${a.name} builds natively (its cells go there)`,
          items: knownPlatforms.map((p) => ({ label: p, value: p, picked: (a.platforms ?? []).includes(p) })),
        }),
        (v) => (a.platforms = v),
      ),
    async () =>
      keep(
        await prompter.pickOne<SaveTarget>({
          ...at(5),
          placeholder: `Where to save ${a.name}`,
          items: targets.map((t) =>
            t.kind === 'file'
              ? { label: t.label, description: "the project's nodes:, committed with it", value: t }
              : { label: 'User settings', description: 'multiarch.nodes, this machine only', value: t },
          ),
        }),
        (v) => (a.target = v),
      ),
  ];
  for (let i = 0; i < totalSteps;) {
    const r = await steps[i]!();
    if (r === undefined) return undefined;
    i = r === back ? Math.max(0, i - 1) : i + 1;
  }
  return {
    node: { name: a.name!, engine: a.engine!, endpoint: a.endpoint!, platforms: a.platforms! },
    target: a.target ?? targets[0]!,
  };
}

function keep<T>(answer: Answer<T>, set: (value: T) => void): Answer<true> {
  if (answer === undefined) return undefined;
  if (answer === back) return back;
  set(answer);
  return true;
}
